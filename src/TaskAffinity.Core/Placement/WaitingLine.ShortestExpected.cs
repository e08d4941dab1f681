using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <remarks>
/// <see cref="LineOrder.ShortestExpected"/>: a pass tries the tasks shortest expected duration first, the rule
/// that minimises mean completion time on one machine (Smith's rule), which is how the simulator's oracle gains
/// about 30% on mean latency. The estimate is the caller's (in the simulator: the learned mean duration of
/// the task's type), asked afresh at each pass, so a model that learns reorders the line; tasks
/// without one come after those with one, in arrival order, and with no estimate at all the line is served in
/// arrival order. Ties go in arrival order. A type found full is skipped for the rest of the pass, as in the
/// other orders.
/// <para>Aging bound: once K (<c>agedAfterPlacements</c>) tasks have been placed from the line since a task joined
/// it, that task is tried before every task for which that is not yet so, and the tasks so aged are tried in
/// arrival order. Its place ahead of younger tasks never changes after that, so only the tasks that joined
/// before it — at most m, the line's length when it joined — can still be placed ahead of it: at most K + m
/// other tasks are placed from the line before it, and after K it is tried in every pass its type has room in.
/// Without the cap a long task could wait as long as shorter ones keep arriving.</para>
/// <para>The estimate is asked for each type's oldest task and stands for its type: a type's tasks go in arrival
/// order. So a try costs a look at each waiting type, however long the line (the cluster's runs to thousands).</para>
/// </remarks>
public sealed partial class WaitingLine<T>
{
    /// <summary>
    /// Default K of the aging cap. Counted in placements, not passes: a pass runs whenever a task joins a busy
    /// line, so a flood of arrivals ages everything within a few hundred passes and the order falls back to
    /// arrival (on wfinstances seed 42, K = 30 or 200 passes gave exactly arrival order's 951 s mean latency).
    /// </summary>
    public const int DefaultAgedAfterPlacements = 1000;

    private readonly Func<WaitingEntry<T>, double?>? _expectedMs;
    private readonly int _agedAfterPlacements;
    private long _placed;

    /// <summary>
    /// A <see cref="LineOrder.ShortestExpected"/> line. <paramref name="expectedMs"/> gives a waiting task's expected
    /// duration in ms (null when unknown); it must not change the line.
    /// </summary>
    public WaitingLine(Func<WaitingEntry<T>, double?> expectedMs, int agedAfterPlacements = DefaultAgedAfterPlacements)
    {
        ArgumentNullException.ThrowIfNull(expectedMs);
        ArgumentOutOfRangeException.ThrowIfNegative(agedAfterPlacements);
        _order = LineOrder.ShortestExpected;
        _expectedMs = expectedMs;
        _agedAfterPlacements = agedAfterPlacements;
    }

    /// <summary>Placements a task sees from the line before it goes ahead of younger tasks (shortest-expected lines only).</summary>
    public int AgedAfterPlacements => _agedAfterPlacements;

    private void ServeShortestExpected(Func<WaitingEntry<T>, LineTry> tryPlace)
    {
        while (_byKey.Count > 0 && _full.Count < _perType.Count)
        {
            if (NextShortest(_placed, skipFull: true) is not { } head) return;
            switch (tryPlace(head.Value))
            {
                case LineTry.Served:
                    Remove(head.Value.Key);
                    _placed++;
                    break;
                case LineTry.TypeFull:
                    _full.Add(head.Value.Type);
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>
    /// The oldest task of the type to try next: a type whose oldest task has aged first (the oldest such), then
    /// the type with the shortest estimate for its oldest task, then the one waiting longest. A type's tasks go in
    /// arrival order, so a pass looks at each waiting type, not at every task (the line may be thousands long).
    /// </summary>
    private LinkedListNode<WaitingEntry<T>>? NextShortest(long placed, bool skipFull, IReadOnlyDictionary<Group, LinkedListNode<WaitingEntry<T>>>? heads = null)
    {
        LinkedListNode<WaitingEntry<T>>? best = null;
        (bool Young, bool Unknown, double Ms, long Sequence) bestKey = default;
        foreach (var group in _groups.Values)
        {
            var head = heads is null ? group.First : heads.GetValueOrDefault(group);
            if (head is null || (skipFull && _full.Contains(head.Value.Type))) continue;
            var entry = head.Value;
            var young = placed - entry.JoinedAfterPlaced < _agedAfterPlacements;
            var ms = young ? _expectedMs!(entry) : null;
            var key = (young, young && ms is null, ms ?? 0, entry.Sequence);
            if (best is null || key.CompareTo(bestKey) < 0) (best, bestKey) = (head, key);
        }
        return best;
    }

    /// <summary>The order of the next tries if every try placed its task, <paramref name="placed"/> tasks placed so far.</summary>
    private List<WaitingEntry<T>> ShortestExpectedOrder(long placed)
    {
        var heads = _groups.Values.Where(g => g.First is not null).ToDictionary(g => g, g => g.First!);
        var order = new List<WaitingEntry<T>>(Count);
        while (NextShortest(placed, skipFull: false, heads) is { } next)
        {
            order.Add(next.Value);
            var group = (Group)next.List!;
            if (next.Next is { } after) heads[group] = after;
            else heads.Remove(group);
            placed++;
        }
        return order;
    }
}
