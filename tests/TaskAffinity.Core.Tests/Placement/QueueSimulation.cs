using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Tests.Placement;

/// <summary>
/// A tiny discrete-time cluster for placement specs: single-slot FIFO workers, each with its own service time
/// for type X; tasks arrive with exponential gaps from a seeded <see cref="Random"/>. A placement adds to the
/// chosen worker's queue; the clock completes tasks at each worker's speed.
/// </summary>
internal sealed class QueueSimulation
{
    private readonly List<SimWorker> _workers = [];
    private readonly Random _random;
    private int _next;

    public QueueSimulation(int seed, params (string Id, double ServiceMs)[] workers)
    {
        _random = new Random(seed);
        foreach (var (id, ms) in workers) Add(id, ms);
    }

    public double Now { get; private set; }

    public List<double> ResponseTimesMs { get; } = [];

    public void Add(string id, double serviceMs) => _workers.Add(new SimWorker(id, serviceMs));

    public int Load(string id) => Find(id).Completions.Count;

    public int Assigned(string id) => Find(id).Assigned;

    public IReadOnlyList<WorkerCandidate> Candidates() =>
        _workers.Select(w => Workers.Worker(w.Id, queued: Math.Max(w.Completions.Count - 1, 0),
            running: Math.Min(w.Completions.Count, 1), last: w.Last?.Name)).ToList();

    /// <summary>
    /// Runs <paramref name="tasks"/> arrivals of type X, mean gap <paramref name="meanGapMs"/>. Before each placement
    /// <paramref name="observe"/> sees the candidates; after it, the decision.
    /// </summary>
    public void Run(IPlacementPolicy policy, int tasks, double meanGapMs, string chainPrefix = "chain",
        Action<IReadOnlyList<WorkerCandidate>, PlacementDecision>? observe = null, Func<PlacementDecision, bool>? stop = null)
    {
        for (var i = 0; i < tasks; i++)
        {
            AdvanceTo(Now - meanGapMs * Math.Log(1 - _random.NextDouble()));
            var candidates = Candidates();
            var decision = policy.Place(new PlacementRequest($"{chainPrefix}-{_next++}", Specs.Task("t", "X"), 1), candidates);
            observe?.Invoke(candidates, decision);
            Assign(decision.WorkerId!);
            if (stop?.Invoke(decision) == true) return;
        }
    }

    private void AdvanceTo(double time)
    {
        Now = time;
        foreach (var w in _workers) w.Completions.RemoveAll(c => c <= time);
    }

    private void Assign(string id)
    {
        var w = Find(id);
        var start = Math.Max(Now, w.FreeAt);
        w.FreeAt = start + w.ServiceMs;
        w.Completions.Add(w.FreeAt);
        w.Last = "X";
        w.Assigned++;
        ResponseTimesMs.Add(w.FreeAt - Now);
    }

    private SimWorker Find(string id) => _workers.Single(w => w.Id == id);

    private sealed class SimWorker(string id, double serviceMs)
    {
        public string Id { get; } = id;
        public double ServiceMs { get; } = serviceMs;
        public List<double> Completions { get; } = [];
        public double FreeAt { get; set; }
        public TaskType? Last { get; set; }
        public int Assigned { get; set; }
    }
}
