namespace TaskAffinity.Cluster.Workers;

/// <summary>
/// A bounded set that forgets its oldest entries, each with the time it was added: remembers recently finished
/// runs to drop redeliveries, and tasks this worker told their chain it does not hold.
/// </summary>
internal sealed class RecentKeys(int capacity)
{
    private readonly Dictionary<TaskKey, DateTimeOffset> _added = new();
    private readonly Queue<TaskKey> _order = new();

    public bool Contains(TaskKey key) => _added.ContainsKey(key);

    /// <summary>When the key was (last) added; null when it is not here.</summary>
    public DateTimeOffset? AddedAt(TaskKey key) => _added.TryGetValue(key, out var at) ? at : null;

    public void Add(TaskKey key, DateTimeOffset at = default)
    {
        if (_added.ContainsKey(key))
        {
            _added[key] = at;
            return;
        }
        _added[key] = at;
        _order.Enqueue(key);
        if (_order.Count > capacity)
            _added.Remove(_order.Dequeue());
    }
}
