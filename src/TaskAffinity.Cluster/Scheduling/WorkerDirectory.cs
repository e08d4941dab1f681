using System.Collections.Immutable;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// A scheduler's picture of the workers, built from the statuses they publish. Between statuses it counts its
/// own placements, so a burst of tasks spreads out instead of piling onto the worker that last looked idle.
/// A worker not heard from for the stale interval counts as offline.
/// </summary>
internal sealed class WorkerDirectory(TimeSpan staleAfter)
{
    private readonly Dictionary<string, (WorkerCandidate Candidate, DateTimeOffset HeardAt)> _workers = new(StringComparer.Ordinal);

    public int Count => _workers.Count;

    public void Update(WorkerStatus status, DateTimeOffset now) =>
        _workers[status.WorkerId] = (new WorkerCandidate(status.WorkerId, status.HostId, status.Online, status.ServedTypes,
            status.HostCapacity, status.Queued, status.Running, status.Token) { Slots = 1 }, now);

    public void NoteAssigned(string workerId)
    {
        if (_workers.TryGetValue(workerId, out var entry))
            _workers[workerId] = (entry.Candidate with { Queued = entry.Candidate.Queued + 1 }, entry.HeardAt);
    }

    /// <summary>The token the worker last reported (empty for a worker never heard of).</summary>
    public WorkerToken TokenOf(string workerId) =>
        _workers.TryGetValue(workerId, out var entry) ? entry.Candidate.Token : WorkerToken.Empty;

    public IReadOnlyList<WorkerCandidate> Candidates(DateTimeOffset now) =>
        _workers.Values.Select(w => now - w.HeardAt > staleAfter ? w.Candidate with { Online = false } : w.Candidate).ToList();

    /// <summary>What admission needs: the types some online worker serves and the largest host in each dimension.</summary>
    public AdmissionRules Rules(int maxTasksPerChain, DateTimeOffset now)
    {
        var online = Candidates(now).Where(c => c.Online).ToList();
        var largest = online.Aggregate(ResourceVector.Zero, (max, c) => max.Max(c.HostCapacity));
        return new AdmissionRules(online.SelectMany(c => c.ServedTypes).ToImmutableHashSet(), largest, maxTasksPerChain);
    }
}
