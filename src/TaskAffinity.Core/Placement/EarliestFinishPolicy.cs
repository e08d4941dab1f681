using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Baseline after Dask's scheduler: send the task where it is expected to finish first, with <b>one</b> learned
/// duration per task type, the same on every worker.
/// </summary>
/// <remarks>
/// <code>
/// finish(w)   = queued(w) + d(t) + transfer(w)
/// queued(w)   = load(w) · d̄ / slots(w)           work in hand; its task types are unknown, so each counts as a typical task d̄
/// d(t)        = mean over workers of their EWMA duration for t (AffinityMap.MeanDurationMs), else the task's own
///               estimate, else <see cref="DefaultDuration"/> (Dask's default for an unseen prefix is 0.5 s)
/// transfer(w) = input bytes not cached on w's host / host network bandwidth
/// </code>
/// What it cannot see, and the affinity policy can: that some workers run a type faster than others.
/// Ties (for example an empty cluster) are broken by a stable hash of the chain and task ids.
/// </remarks>
public sealed class EarliestFinishPolicy : IPlacementPolicy
{
    public const string PolicyName = "earliest-finish";
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMilliseconds(500);

    private readonly PlacementModel _model;

    public EarliestFinishPolicy() : this(PlacementModel.Empty) { }

    public EarliestFinishPolicy(PlacementModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    public string Name => PolicyName;

    public IPlacementPolicy WithModel(PlacementModel model) => new EarliestFinishPolicy(model);

    /// <summary>The one duration this policy expects for the type, wherever it runs.</summary>
    public TimeSpan ExpectedDuration(TaskSpec task) =>
        _model.Affinity.MeanDurationMs(task.Type) is { } learned ? TimeSpan.FromMilliseconds(learned)
        : task.EstimatedDuration > TimeSpan.Zero ? task.EstimatedDuration
        : DefaultDuration;

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = CandidateRanking.Eligible(request, candidates);
        if (eligible.Count == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        var durationMs = ExpectedDuration(request.Task).TotalMilliseconds;
        var typicalMs = _model.Affinity.TypicalDurationMs ?? durationMs;
        var inputBytes = request.Task.InputBytes;

        var estimates = eligible.Select(c => Estimate(c, durationMs, typicalMs, inputBytes, request.CachedFor(c))).ToList();
        var earliest = estimates.Min(e => e.FinishMs);
        // equal finishes within a microsecond are ties: share them by hash, like least-loaded
        var tied = estimates.Where(e => e.FinishMs - earliest < 1e-3).ToList();
        var chosen = tied[(int)(StableHash.Of(request.ChainId, request.Task.Id) % (uint)tied.Count)];

        var top = CandidateRanking.Explain(chosen, estimates, e => e.Candidate.WorkerId, e => -e.FinishMs,
            e => new CandidateScore(e.Candidate.WorkerId, -e.FinishMs, CandidateRanking.Terms(
                ("queuedMs", e.QueuedMs), ("durationMs", durationMs), ("transferMs", e.TransferMs))));
        return new PlacementDecision(chosen.Candidate.WorkerId, Name, top,
            $"earliest expected finish ({chosen.FinishMs:0.#} ms) of {eligible.Count} eligible workers, '{request.Task.Type.Name}' expected to take {durationMs:0.#} ms");
    }

    private static Estimate Estimate(WorkerCandidate c, double durationMs, double typicalMs, long inputBytes, double cached)
    {
        var queuedMs = c.Load * typicalMs / Math.Max(c.Slots, 1);
        var bandwidthBytesPerMs = c.HostCapacity.NetworkMbps * 1_000_000 / 1_000;
        var missingBytes = inputBytes * (1 - Math.Clamp(double.IsFinite(cached) ? cached : 0, 0, 1));
        var transferMs = bandwidthBytesPerMs > 0 ? missingBytes / bandwidthBytesPerMs : 0;
        return new Estimate(c, queuedMs, transferMs, queuedMs + durationMs + transferMs);
    }
}

internal readonly record struct Estimate(WorkerCandidate Candidate, double QueuedMs, double TransferMs, double FinishMs);
