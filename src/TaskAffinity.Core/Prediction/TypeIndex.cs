using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Interns task types to small integers 1..n (0 means "no type"), so the models key contexts by packed integers
/// and keep counts in arrays instead of hashing strings on every update. Ids are handed out in first-seen order
/// and are part of a snapshot (the list of types, in id order).
/// </summary>
internal sealed class TypeIndex
{
    private readonly Dictionary<TaskType, int> _ids = [];
    private readonly List<TaskType> _types = [default]; // slot 0: "no type"

    /// <summary>Number of known types; valid ids are 1..Count.</summary>
    public int Count => _types.Count - 1;

    public TaskType this[int id] => _types[id];

    public int Intern(TaskType type)
    {
        if (_ids.TryGetValue(type, out var id)) return id;
        id = _types.Count;
        _types.Add(type);
        _ids.Add(type, id);
        return id;
    }

    /// <summary>The id of a known type, or −1 (never interns: prediction must not change the model).</summary>
    public int Find(TaskType type) => _ids.TryGetValue(type, out var id) ? id : -1;

    public IEnumerable<TaskType> InIdOrder() => _types.Skip(1);
}
