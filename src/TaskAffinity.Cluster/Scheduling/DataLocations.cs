using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// Where a scheduler believes input data is cached: the host a key was last staged on or read by a task
/// placed there. A belief, not the caches' contents (they evict on their own), bounded to the most recent
/// keys; it feeds the placement's cache term. Also learns how often a task does run on the host its inputs
/// were staged on, the confidence given to staging the inputs of the next tasks of a chain.
/// </summary>
internal sealed class DataLocations(int capacity = 100_000)
{
    private readonly Dictionary<string, (string Host, LinkedListNode<string> Node)> _hostOf = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _recent = new();
    private double _sameHost = 0.8; // prior: the placement's continuity and cache terms usually keep a chain on its host
    private const double Alpha = 0.05;

    /// <summary>How often a task with staged inputs ran on the host they were staged on (EWMA).</summary>
    public double SameHostRate => _sameHost;

    public void Record(string key, string hostId)
    {
        if (_hostOf.TryGetValue(key, out var entry))
        {
            _recent.Remove(entry.Node);
            _recent.AddLast(entry.Node);
            _hostOf[key] = (hostId, entry.Node);
            return;
        }
        _hostOf[key] = (hostId, _recent.AddLast(key));
        if (_hostOf.Count <= capacity) return;
        _hostOf.Remove(_recent.First!.Value);
        _recent.RemoveFirst();
    }

    /// <summary>Share of the task's input bytes believed cached on each host; null when none is known.</summary>
    public Dictionary<string, double>? CachedByHost(TaskSpec task)
    {
        var total = task.InputBytes;
        if (total <= 0 || _hostOf.Count == 0) return null;
        Dictionary<string, double>? shares = null;
        foreach (var input in task.Inputs)
            if (_hostOf.TryGetValue(input.Key, out var entry))
            {
                shares ??= new Dictionary<string, double>(StringComparer.Ordinal);
                shares[entry.Host] = shares.GetValueOrDefault(entry.Host) + (double)input.SizeBytes / total;
            }
        return shares;
    }

    /// <summary>Feedback: a task whose inputs were believed staged somewhere was placed on <paramref name="hostId"/>.</summary>
    public void NotePlaced(TaskSpec task, string hostId)
    {
        var staged = task.Inputs.Select(i => _hostOf.TryGetValue(i.Key, out var e) ? e.Host : null).FirstOrDefault(h => h is not null);
        if (staged is not null)
            _sameHost += Alpha * ((staged == hostId ? 1 : 0) - _sameHost);
    }
}
