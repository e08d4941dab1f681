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
/// <para>Cost: each pass sorts the line (n log n) and asks one estimate per task; lines of a few thousand are cheap.</para>
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
        foreach (var entry in ShortestExpectedOrder(_placed))
        {
            if (_byKey.Count == 0 || _full.Count >= _perType.Count) return;
            if (_full.Contains(entry.Type)) continue;
            switch (tryPlace(entry))
            {
                case LineTry.Served:
                    Remove(entry.Key);
                    _placed++;
                    break;
                case LineTry.TypeFull:
                    _full.Add(entry.Type);
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>The order of the next tries, <paramref name="placed"/> tasks placed so far: aged ones by arrival, then by (estimate, arrival).</summary>
    private List<WaitingEntry<T>> ShortestExpectedOrder(long placed)
    {
        var entries = _byKey.Values.Select(node => node.Value).ToList();
        var aged = entries.Where(e => placed - e.JoinedAfterPlaced >= _agedAfterPlacements).OrderBy(e => e.Sequence);
        var young = entries.Where(e => placed - e.JoinedAfterPlaced < _agedAfterPlacements)
            .Select(e => (Entry: e, Ms: _expectedMs!(e)))
            .OrderBy(x => x.Ms is null).ThenBy(x => x.Ms ?? 0).ThenBy(x => x.Entry.Sequence)
            .Select(x => x.Entry);
        return [.. aged, .. young];
    }
}
