using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// Integer indexes over one model, built once when a policy receives it, so that a decision over thousands of
/// workers costs array reads per worker rather than string-keyed lookups (PlacementBenchmarks). Also a memo of
/// what each candidate object means in those indexes, kept by position in the candidate list: the scheduler
/// keeps each worker at the same position and reuses its candidate object until the worker's status changes,
/// so most lookups are one reference comparison. Not thread-safe: one policy per scheduler (or simulator run),
/// as policies are used.
/// </summary>
internal sealed class PlacementIndex
{
    private const int MaxTypes = 64; // served types are a bit mask; types beyond this take the slow path

    private readonly Dictionary<TaskType, int> _types = new();
    private readonly Dictionary<string, int> _workers = new(StringComparer.Ordinal);
    private readonly double[][] _scores;   // [type][worker]; NaN for a pair the worker has not run
    private readonly long[][] _samples;    // [type][worker]
    private readonly double[]?[] _next;    // [from][to]; null when the table has no row for 'from'
    private readonly double[] _marginal;   // [to]
    private WorkerCandidate?[] _memoFor = [];  // [position] the candidate object the facts below were computed for
    private Facts[] _memo = [];                // [position]

    private readonly Func<WorkerCandidate, CandidateTerms> _termsOf;

    /// <summary>
    /// A candidate in index terms: its worker index (-1 if the model has not seen it), served-type bits, last
    /// type, and the policy's terms that depend on the candidate alone (not on the task).
    /// </summary>
    public readonly record struct Facts(int Worker, ulong Served, int LastType, CandidateTerms Terms);

    /// <param name="termsOf">The policy's candidate-only terms, computed once per candidate object.</param>
    public PlacementIndex(PlacementModel model, Func<WorkerCandidate, CandidateTerms> termsOf)
    {
        _termsOf = termsOf;
        var map = model.Affinity;
        var rows = model.Transitions.Rows.IsDefault ? [] : model.Transitions.Rows;
        var types = map.Entries.Select(e => e.Type)
            .Concat(rows.SelectMany(r => model.Transitions.Next(r.From).Probabilities.Select(p => p.Type).Prepend(r.From)))
            .Concat(model.Transitions.Marginal().Probabilities.Select(p => p.Type))
            .Distinct().Take(MaxTypes);
        foreach (var type in types)
            _types[type] = _types.Count;
        foreach (var worker in map.Entries.Select(e => e.WorkerId).Distinct(StringComparer.Ordinal))
            _workers[worker] = _workers.Count;

        _scores = new double[_types.Count][];
        _samples = new long[_types.Count][];
        foreach (var (type, t) in _types)
        {
            var view = map.ForType(type);
            _scores[t] = new double[_workers.Count];
            _samples[t] = new long[_workers.Count];
            foreach (var (worker, w) in _workers)
            {
                _scores[t][w] = map.Knows(worker, type) ? view.Score(worker) : double.NaN;
                _samples[t][w] = view.Samples(worker);
            }
        }

        _next = new double[]?[_types.Count];
        foreach (var row in rows)
        {
            if (!_types.TryGetValue(row.From, out var from) || _next[from] is not null) continue;
            var next = _next[from] = new double[_types.Count];
            foreach (var p in model.Transitions.Next(row.From).Probabilities)
                if (_types.TryGetValue(p.Type, out var to)) next[to] = p.Probability;
        }
        _marginal = new double[_types.Count];
        foreach (var p in model.Transitions.Marginal().Probabilities)
            if (_types.TryGetValue(p.Type, out var to)) _marginal[to] = p.Probability;
    }

    public int TypeOf(TaskType type) => _types.TryGetValue(type, out var t) ? t : -1;

    /// <summary>The candidate's facts; <paramref name="position"/> is its place in the list being decided over.</summary>
    public ref readonly Facts FactsOf(WorkerCandidate candidate, int position)
    {
        var memoFor = _memoFor;
        if ((uint)position < (uint)memoFor.Length && ReferenceEquals(memoFor[position], candidate)) return ref _memo[position];
        if (position >= memoFor.Length)
        {
            var size = Math.Max(position + 1, memoFor.Length * 2);
            Array.Resize(ref _memoFor, size);
            Array.Resize(ref _memo, size);
        }
        (_memoFor[position], _memo[position]) = (candidate, Compute(candidate));
        return ref _memo[position];
    }

    private Facts Compute(WorkerCandidate candidate)
    {
        ulong served = 0;
        foreach (var type in candidate.ServedTypes)
            if (_types.TryGetValue(type, out var t)) served |= 1UL << t;
        var last = candidate.Token?.LastTaskType is { } l && _types.TryGetValue(l, out var lt) ? lt : -1;
        return new Facts(_workers.TryGetValue(candidate.WorkerId, out var w) ? w : -1, served, last, _termsOf(candidate));
    }

    /// <summary>Whether the candidate serves the type (<paramref name="t"/> its index, or -1 for a type the model does not know).</summary>
    public static bool Serves(WorkerCandidate candidate, in Facts facts, int t, TaskType type) =>
        t >= 0 ? (facts.Served & (1UL << t)) != 0 : candidate.ServedTypes.Contains(type);

    /// <summary>The pair's affinity, or <paramref name="prior"/> for a pair the worker has not run.</summary>
    public double Score(int t, in Facts facts, double prior) =>
        t >= 0 && facts.Worker >= 0 && !double.IsNaN(_scores[t][facts.Worker]) ? _scores[t][facts.Worker] : prior;

    public long Samples(int t, in Facts facts) => t >= 0 && facts.Worker >= 0 ? _samples[t][facts.Worker] : 0;

    /// <summary>P(t | worker's last type) from the table, the marginal P(t) when the table has no row for it.</summary>
    public double Next(in Facts facts, int t) =>
        t < 0 ? 0
        : facts.LastType >= 0 && _next[facts.LastType] is { } row ? row[t]
        : _marginal[t];
}

/// <summary>
/// The terms of a candidate's score that do not depend on the task: heat h and load λ, their product
/// (1 − 0.9·h) · λ, the load per slot and whether the worker has room.
/// </summary>
internal readonly record struct CandidateTerms(double Heat, double Load, double LoadPerSlot, bool HasRoom)
{
    public double Product { get; } = AffinityPolicy.HeatFactor(Heat) * Load;
}
