namespace TaskAffinity.Core.Prefetch;

/// <summary>
/// A worker's bounded buffer of tasks it is expected to take next, oldest first, so their data can be staged
/// while earlier tasks run. Each item remembers when it came in, so a stale one (the prediction went wrong,
/// or the worker stalled) can be handed back for placement elsewhere. Items are compared with
/// <see cref="EqualityComparer{T}.Default"/>; an item is held at most once.
/// </summary>
/// <remarks>Not thread-safe: owned by one actor. Every operation is O(1) but the scans (TakeExpired, TakeOldest, Items), which are O(n).</remarks>
public sealed class PrefetchBuffer<T>
    where T : notnull
{
    public const int MaxCapacity = 4096;

    // Insertion order (oldest first) plus an index for O(1) Contains and Remove.
    private readonly LinkedList<(T Item, DateTimeOffset Since)> _order = new();
    private readonly Dictionary<T, LinkedListNode<(T Item, DateTimeOffset Since)>> _nodes = new();

    /// <param name="capacity">0..4096; 0 turns buffering off (<see cref="TryAdd"/> always returns false).</param>
    public PrefetchBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _order.Count;

    public bool IsFull => _order.Count >= Capacity;

    /// <summary>Oldest first, a copy: the buffer may be changed while it is walked.</summary>
    public IEnumerable<(T Item, DateTimeOffset Since)> Items => _order.ToArray();

    public bool Contains(T item) => _nodes.ContainsKey(item);

    /// <summary>Adds <paramref name="item"/> as the newest, stamped <paramref name="now"/>. False when full or the item is already held.</summary>
    public bool TryAdd(T item, DateTimeOffset now)
    {
        if (IsFull || _nodes.ContainsKey(item)) return false;
        _nodes.Add(item, _order.AddLast((item, now)));
        return true;
    }

    /// <summary>Removes the oldest item (FIFO) and says how long it waited (now − since, never negative).</summary>
    public bool TryTake(DateTimeOffset now, out T item, out TimeSpan waited)
    {
        var first = _order.First;
        if (first is null)
        {
            item = default!;
            waited = TimeSpan.Zero;
            return false;
        }

        (item, var since) = first.Value;
        waited = Age(since, now);
        Unlink(first);
        return true;
    }

    public bool Remove(T item)
    {
        if (!_nodes.TryGetValue(item, out var node)) return false;
        Unlink(node);
        return true;
    }

    /// <summary>Removes and returns (oldest first) the items that have waited longer than <paramref name="maxAge"/>: now − since &gt; maxAge.</summary>
    public IReadOnlyList<T> TakeExpired(DateTimeOffset now, TimeSpan maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        // Scans the whole buffer rather than stopping at the first fresh item: the caller's clock may step back.
        return TakeWhere(int.MaxValue, entry => now - entry.Since > maxAge);
    }

    /// <summary>Removes and returns up to <paramref name="count"/> of the oldest items that match, oldest first.</summary>
    public IReadOnlyList<T> TakeOldest(int count, Func<T, bool> match)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(match);
        return TakeWhere(count, entry => match(entry.Item));
    }

    /// <summary>How long the oldest item has waited (now − since, never negative); zero when empty.</summary>
    public TimeSpan OldestAge(DateTimeOffset now) => _order.First is { } first ? Age(first.Value.Since, now) : TimeSpan.Zero;

    private List<T> TakeWhere(int count, Func<(T Item, DateTimeOffset Since), bool> match)
    {
        var taken = new List<T>();
        var node = _order.First;
        while (node is not null && taken.Count < count)
        {
            var next = node.Next;
            if (match(node.Value))
            {
                taken.Add(node.Value.Item);
                Unlink(node);
            }

            node = next;
        }

        return taken;
    }

    private void Unlink(LinkedListNode<(T Item, DateTimeOffset Since)> node)
    {
        _order.Remove(node);
        _nodes.Remove(node.Value.Item);
    }

    private static TimeSpan Age(DateTimeOffset since, DateTimeOffset now) => now > since ? now - since : TimeSpan.Zero;
}
