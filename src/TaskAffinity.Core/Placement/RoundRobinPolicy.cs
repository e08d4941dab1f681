namespace TaskAffinity.Core.Placement;

/// <summary>
/// Baseline: hands tasks to the eligible workers in turn, in worker-id order. The one stateful policy: its
/// state is the turn counter, kept per instance (thread-safe), so a fresh instance starts again at the first
/// worker. It ignores load, affinity and everything else on purpose — that is what it is a baseline for.
/// </summary>
public sealed class RoundRobinPolicy : IPlacementPolicy
{
    public const string PolicyName = "round-robin";

    private long _turn = -1;

    public string Name => PolicyName;

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = CandidateRanking.Eligible(request, candidates);
        if (eligible.Count == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        var turn = Interlocked.Increment(ref _turn);
        var index = (int)(turn % eligible.Count);
        // score = how soon the worker's turn comes: 0 for the chosen one, −k for the k-th after it
        double Score(WorkerCandidate c) => -((eligible.IndexOf(c) - index + eligible.Count) % eligible.Count);
        var top = CandidateRanking.Explain(eligible[index], eligible, c => c.WorkerId, Score,
            c => new CandidateScore(c.WorkerId, Score(c), CandidateRanking.Terms(("turn", turn), ("load", c.Load))));
        return new PlacementDecision(eligible[index].WorkerId, Name, top, $"turn {turn} of {eligible.Count} eligible workers");
    }
}
