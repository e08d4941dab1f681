using TaskAffinity.Core.Placement;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>One chain being replayed: which tasks wait on which, and what data it has produced so far.</summary>
internal sealed class ChainRun
{
    private readonly Dictionary<string, TraceTask> _byId;
    private readonly Dictionary<string, List<TraceTask>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _waitingOn = new(StringComparer.Ordinal);
    private int _remaining;
    private CriticalPath? _paths;

    public ChainRun(TraceChain chain, double arrivedAt)
    {
        Chain = chain;
        ArrivedAt = arrivedAt;
        _byId = chain.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        _remaining = chain.Tasks.Length;
        foreach (var task in chain.Tasks)
        {
            var after = task.After.IsDefault ? [] : task.After.Distinct(StringComparer.Ordinal).ToArray();
            _waitingOn[task.Id] = after.Length;
            foreach (var parent in after)
            {
                if (!_dependents.TryGetValue(parent, out var list)) _dependents[parent] = list = [];
                list.Add(task);
            }
        }
    }

    public TraceChain Chain { get; }

    public double ArrivedAt { get; }

    /// <summary>Keys of the outputs of its finished tasks: read by later tasks from a cache, never staged from the store.</summary>
    public HashSet<string> Produced { get; } = new(StringComparer.Ordinal);

    public bool Done => _remaining == 0;

    /// <summary>The longest path after each task, worked out when first asked for (only our line asks).</summary>
    public CriticalPath Paths => _paths ??= CriticalPath.Of(Chain.Tasks.Select(t => t.Id), id => DependentsOf(id).Select(t => t.Id), id => _byId[id].Type);

    public IReadOnlyList<TraceTask> DependentsOf(string taskId) =>
        _dependents.TryGetValue(taskId, out var list) ? list : [];

    /// <summary>Marks a task done; returns the dependents that became ready.</summary>
    public IReadOnlyList<TraceTask> Completed(string taskId)
    {
        _remaining--;
        var ready = new List<TraceTask>();
        foreach (var child in DependentsOf(taskId))
            if (--_waitingOn[child.Id] == 0) ready.Add(child);
        return ready;
    }
}
