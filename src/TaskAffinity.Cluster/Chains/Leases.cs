namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// A chain's in-memory view of the tasks it has handed out. Not persisted: after a restart every unfinished
/// task is simply placed again, and workers drop what they already hold or have finished.
/// </summary>
internal sealed class Leases
{
    internal sealed class Lease(int attempt, DateTimeOffset now)
    {
        public int Attempt { get; } = attempt;
        public string? WorkerId { get; set; }
        public DateTimeOffset SentAt { get; } = now;
        public DateTimeOffset LastHeard { get; set; } = now;
        public DateTimeOffset? QueriedAt { get; set; }
    }

    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _readySince = new(StringComparer.Ordinal);

    public int Count => _leases.Count;

    public bool Has(string taskId) => _leases.ContainsKey(taskId);

    public Lease? Get(string taskId, int attempt) =>
        _leases.TryGetValue(taskId, out var lease) && lease.Attempt == attempt ? lease : null;

    public Lease? Get(string taskId) => _leases.GetValueOrDefault(taskId);

    public Lease Open(string taskId, int attempt, DateTimeOffset now)
    {
        _readySince.TryAdd(taskId, now);
        return _leases[taskId] = new Lease(attempt, now);
    }

    public void Release(string taskId) => _leases.Remove(taskId);

    /// <summary>The task has ended: forget it entirely.</summary>
    public void Close(string taskId)
    {
        _leases.Remove(taskId);
        _readySince.Remove(taskId);
    }

    /// <summary>Milliseconds from when the task first became ready until now (0 if unknown, e.g. after a restart).</summary>
    public double LatencyMs(string taskId, DateTimeOffset now) =>
        _readySince.TryGetValue(taskId, out var since) ? (now - since).TotalMilliseconds : 0;

    public IReadOnlyList<(string TaskId, Lease Lease)> All() => _leases.Select(kv => (kv.Key, kv.Value)).ToList();
}
