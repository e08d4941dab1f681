namespace TaskAffinity.Cluster.Workers;

/// <summary>A bounded set that forgets its oldest entries: remembers recently finished runs to drop redeliveries.</summary>
internal sealed class RecentKeys(int capacity)
{
    private readonly HashSet<TaskKey> _set = new();
    private readonly Queue<TaskKey> _order = new();

    public bool Contains(TaskKey key) => _set.Contains(key);

    public void Add(TaskKey key)
    {
        if (!_set.Add(key)) return;
        _order.Enqueue(key);
        if (_order.Count > capacity)
            _set.Remove(_order.Dequeue());
    }
}
