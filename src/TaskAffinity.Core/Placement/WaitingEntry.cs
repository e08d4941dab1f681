using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>A waiting task's identity: a chain asking again for the same attempt finds its place by it.</summary>
public readonly record struct WaitingKey(string ChainId, string TaskId, int Attempt);

/// <summary>What became of one try to place a waiting task.</summary>
public enum LineTry
{
    /// <summary>It leaves the line: placed, or answered otherwise (no worker could ever run it).</summary>
    Served,

    /// <summary>Its workers are full: no more tasks of its type are tried in this pass.</summary>
    TypeFull,

    /// <summary>Every worker is full: the pass ends.</summary>
    AllFull,
}

/// <summary>In which order a pass tries the waiting tasks.</summary>
public enum LineOrder
{
    /// <summary>Arrival order: the oldest task whose type still has room goes first.</summary>
    Arrival,

    /// <summary>Round-robin over task types, arrival order within a type.</summary>
    FairByType,

    /// <summary>Round-robin over chains, arrival order within a chain.</summary>
    FairByChain,

    /// <summary>
    /// Shortest expected duration first (the caller's estimate, unknown ones last in arrival order), with an
    /// aging cap: a task that has seen a set number of placements from the line goes ahead of the younger ones.
    /// </summary>
    ShortestExpected,
}

/// <summary>One waiting task: its key, type, place in arrival order (<see cref="Sequence"/>) and what the caller keeps with it.</summary>
public sealed class WaitingEntry<T>
{
    internal WaitingEntry(WaitingKey key, TaskType type, long sequence, T item) => (Key, Type, Sequence, Item) = (key, type, sequence, item);

    public WaitingKey Key { get; }

    public TaskType Type { get; }

    public long Sequence { get; }

    public T Item { get; internal set; }

    /// <summary>How many tasks the line had placed when this task joined it (for aging).</summary>
    internal long JoinedAfterPlaced { get; init; }
}
