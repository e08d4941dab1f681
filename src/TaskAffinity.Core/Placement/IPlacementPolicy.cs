using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Chooses the worker a ready task goes to. Implementations are pure: the same request and candidates give
/// the same decision, and the decision says why (its top candidates and their score terms).
/// </summary>
public interface IPlacementPolicy
{
    string Name { get; }

    PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates);

    /// <summary>
    /// The same policy deciding from a newer model snapshot. Policies that learn nothing return themselves;
    /// learning ones return a new instance, so a decision in flight never sees the model change under it.
    /// </summary>
    IPlacementPolicy WithModel(PlacementModel model) => this;
}

public sealed record PlacementRequest(string ChainId, TaskSpec Task, int Attempt)
{
    /// <summary>
    /// Share of the task's input bytes believed cached on each host (host id → [0, 1]), for a request the
    /// scheduler knows that of; a host not listed falls back to <see cref="WorkerCandidate.CachedInputFraction"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double>? CachedByHost { get; init; }

    /// <summary>The cached share for a candidate: the request's own figure for its host, else the candidate's.</summary>
    public double CachedFor(WorkerCandidate candidate) =>
        CachedByHost is { Count: > 0 } byHost && byHost.TryGetValue(candidate.HostId, out var share) ? share : candidate.CachedInputFraction;
}

/// <summary>A worker slot as the scheduler last saw it.</summary>
public sealed record WorkerCandidate(
    string WorkerId,
    string HostId,
    bool Online,
    ImmutableHashSet<TaskType> ServedTypes,
    ResourceVector HostCapacity,
    int Queued,
    int Running,
    WorkerToken Token)
{
    /// <summary>How hot the worker's host runs, in [0, 1] (0 cool, 1 saturated), as its monitor last reported.</summary>
    public double Heat { get; init; }

    /// <summary>How many tasks the worker runs at once.</summary>
    public int Slots { get; init; } = 1;

    /// <summary>The share of the task's input bytes already cached on the worker's host, in [0, 1].</summary>
    public double CachedInputFraction { get; init; }

    /// <summary>Work the slot has in hand: queued plus running.</summary>
    public int Load => Queued + Running;

    /// <summary>Whether this worker could run the task at all: online, serves the type, its host is big enough.</summary>
    public bool CanRun(TaskSpec task) =>
        Online && ServedTypes.Contains(task.Type) && task.Resources.FitsWithin(HostCapacity);
}

/// <summary>One candidate's score in a decision, with the terms that made it (for explanations).</summary>
public sealed record CandidateScore(string WorkerId, double Score, ScoreTerms Terms);

/// <summary>
/// The chosen worker, or none with the reason. <see cref="TopCandidates"/> holds the best few, best first.
/// </summary>
public sealed record PlacementDecision(string? WorkerId, string Policy, ImmutableArray<CandidateScore> TopCandidates, string Reason)
{
    public bool Placed => WorkerId is not null;

    public static PlacementDecision None(string policy, string reason) =>
        new(null, policy, ImmutableArray<CandidateScore>.Empty, reason);
}
