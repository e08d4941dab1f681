using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// The scheduler's line of ready tasks that found every eligible worker full, and the order in which a pass
/// tries them when a worker reports room. Pure and deterministic: the same adds, removals and try outcomes give
/// the same order. Not thread-safe (an actor or the simulator owns it).
/// </summary>
/// <remarks>
/// Tasks are kept in groups (all in one under <see cref="LineOrder.Arrival"/>, one per type or per chain under
/// the fair orders), arrival order within a group, and the groups in a ring. A pass takes the first task of the
/// first group in the ring whose type has not been found full in this pass; a group that is served moves to the
/// ring's end, a group that was only tried keeps its spot, and a group that appears joins at the end. Once a type
/// finds its workers full, no more tasks of it are tried in the pass, and the pass ends when every type waiting
/// has, so a long line costs one try per waiting type.
/// <para>No starvation: a task is tried in every pass its type has room in, unless tasks ahead of it are placed
/// first; ahead of it are only the tasks before it in its group and one task for each group before its group in
/// the ring, at most once each per lap. So between two placements of its group at most (groups − 1) other tasks
/// are placed, and with n tasks ahead of it in its group it is placed within n + 1 laps in which its type finds
/// room. Under <see cref="LineOrder.Arrival"/> one busy type can hold a small one behind it for as long as the
/// busy type's tasks keep arriving first.</para>
/// </remarks>
public sealed partial class WaitingLine<T>
{
    private readonly LineOrder _order;
    private readonly Dictionary<WaitingKey, LinkedListNode<WaitingEntry<T>>> _byKey = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly LinkedList<Group> _ring = new();
    private readonly Dictionary<TaskType, int> _perType = new();
    private readonly HashSet<TaskType> _full = new();
    private long _sequence;
    private int _pass;

    public WaitingLine(LineOrder order = LineOrder.FairByType)
    {
        if (order == LineOrder.ShortestExpected)
            throw new ArgumentException("a shortest-expected line needs its estimate: use the constructor that takes it", nameof(order));
        _order = order;
    }

    public LineOrder Order => _order;

    public int Count => _byKey.Count;

    /// <summary>How many task types are waiting.</summary>
    public int Types => _perType.Count;

    public bool Contains(WaitingKey key) => _byKey.ContainsKey(key);

    /// <summary>Whether any task of this type waits.</summary>
    public bool Waits(TaskType type) => _perType.ContainsKey(type);

    /// <summary>
    /// Puts the task at the end of its group. If it waits already (its chain asked again), it keeps its place and
    /// only <paramref name="item"/> is replaced: false then.
    /// </summary>
    public bool Add(WaitingKey key, TaskType type, T item)
    {
        if (_byKey.TryGetValue(key, out var waiting))
        {
            waiting.Value.Item = item;
            return false;
        }
        var groupKey = GroupOf(key, type);
        if (!_groups.TryGetValue(groupKey, out var group))
        {
            _groups[groupKey] = group = new Group(groupKey);
            group.InRing = _ring.AddLast(group);
        }
        _byKey[key] = group.AddLast(new WaitingEntry<T>(key, type, _sequence++, item) { JoinedAfterPlaced = _placed });
        _perType[type] = _perType.GetValueOrDefault(type) + 1;
        return true;
    }

    /// <summary>Takes the task out of the line; false when it was not there.</summary>
    public bool Remove(WaitingKey key)
    {
        if (!_byKey.TryGetValue(key, out var node)) return false;
        var entry = node.Value;
        _byKey.Remove(key);
        var group = (Group)node.List!;
        group.Remove(node);
        if (group.Count == 0)
        {
            _ring.Remove(group.InRing!);
            _groups.Remove(group.Key);
        }
        if (--_perType[entry.Type] == 0) _perType.Remove(entry.Type);
        return true;
    }

    /// <summary>Takes every task of the chain out of the line (it moved to another node); how many there were.</summary>
    public int RemoveChain(string chainId)
    {
        var keys = _byKey.Keys.Where(k => k.ChainId == chainId).ToList();
        foreach (var key in keys) Remove(key);
        return keys.Count;
    }

    /// <summary>The tasks in the order a pass would try them if every try placed its task.</summary>
    public IReadOnlyList<WaitingEntry<T>> InOrder()
    {
        if (_order == LineOrder.ShortestExpected) return ShortestExpectedOrder(_placed);
        // a lap takes each group's head in ring order; a served group goes to the end, so the next lap is the same ring
        var cursors = _ring.Select(g => g.First).ToList();
        var order = new List<WaitingEntry<T>>(Count);
        while (order.Count < Count)
            for (var i = 0; i < cursors.Count; i++)
                if (cursors[i] is { } node)
                {
                    order.Add(node.Value);
                    cursors[i] = node.Next;
                }
        return order;
    }

    /// <summary>
    /// One pass: tries waiting tasks in line order while <paramref name="tryPlace"/> finds room, skipping the
    /// types found full in this pass, until every type waiting has been found full, the line is empty, or a try
    /// says every worker is full. A served task leaves the line. <paramref name="tryPlace"/> must not change the line.
    /// </summary>
    public void Serve(Func<WaitingEntry<T>, LineTry> tryPlace)
    {
        _pass++;
        _full.Clear();
        if (_order == LineOrder.ShortestExpected)
        {
            ServeShortestExpected(tryPlace);
            return;
        }
        while (_byKey.Count > 0 && _full.Count < _perType.Count)
        {
            var (group, node) = Next();
            if (node is null) return;
            switch (tryPlace(node.Value))
            {
                case LineTry.Served:
                    group!.Cursor = node.Next; // every task before it is of a type found full, or gone
                    Remove(node.Value.Key);
                    if (group.Count > 0 && group.InRing!.Next is not null)
                    {
                        _ring.Remove(group.InRing);
                        _ring.AddLast(group.InRing);
                    }
                    break;
                case LineTry.TypeFull:
                    _full.Add(node.Value.Type);
                    if (_order == LineOrder.FairByType) group!.SpentInPass = _pass; // its tasks are all of that type
                    break;
                default:
                    return;
            }
        }
    }

    /// <summary>
    /// The first task, in ring order, whose type has not been found full in this pass. Each group is walked from
    /// where the pass last left it (types found full stay full to the end of the pass), so a pass walks the line
    /// at most once.
    /// </summary>
    private (Group?, LinkedListNode<WaitingEntry<T>>?) Next()
    {
        for (var ring = _ring.First; ring is not null; ring = ring.Next)
        {
            var group = ring.Value;
            if (group.SpentInPass == _pass) continue;
            if (group.CursorPass != _pass) (group.Cursor, group.CursorPass) = (group.First, _pass);
            for (; group.Cursor is { } node; group.Cursor = node.Next)
                if (!_full.Contains(node.Value.Type))
                    return (group, node);
            group.SpentInPass = _pass; // all its tasks are of full types: not looked at again in this pass
        }
        return (null, null);
    }

    private string GroupOf(WaitingKey key, TaskType type) => _order switch
    {
        LineOrder.FairByType => type.Name,
        LineOrder.FairByChain => key.ChainId,
        LineOrder.ShortestExpected => type.Name, // a type's tasks in arrival order; which type goes next is decided per try
        _ => "",
    };

    /// <summary>A group's tasks in arrival order; a task's node knows its group through <see cref="LinkedListNode{T}.List"/>.</summary>
    private sealed class Group(string key) : LinkedList<WaitingEntry<T>>
    {
        public string Key { get; } = key;
        public LinkedListNode<Group>? InRing;
        public int SpentInPass;
        public LinkedListNode<WaitingEntry<T>>? Cursor; // where Next goes on in pass CursorPass
        public int CursorPass;
    }
}
