using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Core;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Sends a task to the eligible worker with the least work in hand (queued + running).
/// Ties are broken by a stable hash of the chain and task ids, so equal workers share the work evenly and the
/// same task always lands on the same one of them (deterministic for tests and the simulator).
/// </summary>
public sealed class LeastLoadedPolicy : IPlacementPolicy
{
    public const string PolicyName = "least-loaded";
    private const int Explained = 3;

    public string Name => PolicyName;

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = candidates.Where(c => c.CanRun(request.Task)).ToList();
        if (eligible.Count == 0)
            return PlacementDecision.None(Name, NoCandidateReason(request.Task, candidates));

        var least = eligible.Min(c => c.Load);
        var tied = eligible.Where(c => c.Load == least).OrderBy(c => c.WorkerId, StringComparer.Ordinal).ToList();
        var chosen = tied[(int)(StableHash.Of(request.ChainId, request.Task.Id) % (uint)tied.Count)];

        // score = -load: higher is better, so the explanation reads like every other policy's.
        var top = eligible
            .OrderBy(c => c.Load).ThenBy(c => c.WorkerId == chosen.WorkerId ? 0 : 1).ThenBy(c => c.WorkerId, StringComparer.Ordinal)
            .Take(Explained)
            .Select(c => new CandidateScore(c.WorkerId, -c.Load, ScoreTerms.Of(("queued", c.Queued), ("running", c.Running))))
            .ToImmutableArray();
        return new PlacementDecision(chosen.WorkerId, Name, top, $"least loaded of {eligible.Count} eligible workers (load {least})");
    }

    internal static string NoCandidateReason(TaskSpec task, IReadOnlyList<WorkerCandidate> candidates)
    {
        if (candidates.Count == 0) return "no workers are known";
        var online = candidates.Where(c => c.Online).ToList();
        if (online.Count == 0) return $"none of {candidates.Count} workers is online";
        var serving = online.Where(c => c.ServedTypes.Contains(task.Type)).ToList();
        if (serving.Count == 0) return $"no online worker serves task type '{task.Type.Name}'";
        return $"no online worker serving '{task.Type.Name}' has a host large enough for {task.Resources}";
    }
}
