using System.Collections.Immutable;
using System.Runtime.InteropServices;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Variable-order Markov model over task-type sequences: decayed counts of the next type after every context of
/// order 0..K (the last k types), blended from short to long contexts by interpolated back-off.
/// <para>
/// Back-off (hierarchical Dirichlet / PPM-like interpolation): each order shrinks toward the order below it,
/// <c>P_0(j) = (c(j) + β/n) / (c + β)</c> and <c>P_k(j | h_k) = (c(h_k, j) + α·P_(k−1)(j | h_(k−1))) / (c(h_k) + α)</c>,
/// stopping at the first unseen context (a longer context can only have been seen if its suffix was).
/// A context with little evidence (c ≪ α) defers to the shorter one; a well-observed one speaks for itself.
/// So no order is chosen by a threshold, and an order-1 source is not over-fitted by its sparse order-3 counts.
/// </para>
/// <para>
/// Counts decay with a half-life in observations (lazily, see <see cref="DecayClock"/>), so the model follows
/// drift. Contexts are packed into a ulong (<c>64 / K</c> bits per type id) and each order has its own dictionary,
/// so an update is K+1 dictionary lookups and no allocation once the contexts exist. Not thread-safe.
/// </para>
/// </summary>
public sealed class MarkovModel
{
    /// <summary>
    /// α: pseudo-count given to the shorter context's prediction, so a context must be seen ~16 times before it
    /// outweighs its suffix. Measured on seeded 8-type sources: α = 2 lost up to 5% of the optimum on an order-1
    /// source to noisy order-3 rows (over-fitting); α = 16 loses under 1% there and on order-2 sources.
    /// </summary>
    internal const double BackoffStrength = 16.0;

    /// <summary>β: pseudo-count of the uniform distribution over the known types at order 0.</summary>
    internal const double UniformStrength = 1.0;

    private readonly Dictionary<ulong, CountRow>[] _orders; // index k = order k; [0] unused
    private readonly int _bits;
    private readonly ulong _maxCode;
    private readonly int[] _scratch;
    private CountRow _order0 = new([]);
    private DecayClock _clock;

    public MarkovModel(int maxOrder, double decayHalfLife) : this(maxOrder, decayHalfLife, new TypeIndex()) { }

    internal MarkovModel(int maxOrder, double decayHalfLife, TypeIndex types)
    {
        if (maxOrder is < 1 or > PredictionOptions.MaxOrderLimit)
            throw new ArgumentOutOfRangeException(nameof(maxOrder), maxOrder, $"must be 1..{PredictionOptions.MaxOrderLimit}");
        MaxOrder = maxOrder;
        HalfLife = decayHalfLife;
        Types = types;
        _orders = new Dictionary<ulong, CountRow>[maxOrder + 1];
        for (var k = 1; k <= maxOrder; k++) _orders[k] = [];
        // ids above 2^bits − 1 share a code: their contexts merge, which only blurs prediction, never breaks it
        _bits = Math.Min(32, 64 / maxOrder);
        _maxCode = (1UL << _bits) - 1;
        _scratch = new int[maxOrder];
        _clock = new DecayClock(decayHalfLife);
    }

    public int MaxOrder { get; }

    public double HalfLife { get; }

    internal TypeIndex Types { get; }

    /// <summary>Number of stored contexts of order 1..K (for diagnostics and tests).</summary>
    public int ContextCount => _orders.Skip(1).Sum(d => d.Count);

    /// <summary>Learns that <paramref name="next"/> followed <paramref name="history"/> (oldest first).</summary>
    public void Observe(ReadOnlySpan<TaskType> history, TaskType next)
    {
        var take = Math.Min(history.Length, MaxOrder);
        var ids = _scratch.AsSpan(0, take);
        for (var i = 0; i < take; i++) ids[i] = Types.Intern(history[history.Length - take + i]);
        Learn(ids, Types.Intern(next));
    }

    /// <summary>Distribution of the next type after <paramref name="history"/> (oldest first).</summary>
    public NextTypeDistribution Predict(ReadOnlySpan<TaskType> history)
    {
        var take = Math.Min(history.Length, MaxOrder);
        var ids = new int[take];
        for (var i = 0; i < take; i++) ids[i] = Types.Find(history[history.Length - take + i]);
        var p = new double[Types.Count + 1];
        var n = PredictInto(ids, p, out var evidence);
        return Distributions.From(Types, p, n, evidence);
    }

    /// <summary>Multiplies every count by <paramref name="keep"/> in O(1) (drift response).</summary>
    public void Forget(double keep)
    {
        if (_clock.Forget(keep)) Rescale();
    }

    internal void Learn(ReadOnlySpan<int> history, int next)
    {
        if (_clock.Tick()) Rescale();
        var w = _clock.Weight;
        _order0.Add(next, w);
        var key = 0UL;
        for (var k = 1; k <= history.Length && k <= MaxOrder; k++)
        {
            key |= Code(history[^k]) << (_bits * (k - 1));
            ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(_orders[k], key, out _);
            row ??= new CountRow(history[^k..].ToArray(), Types.Count + 1);
            row.Add(next, w);
        }
    }

    /// <summary>
    /// Writes P(j | history) into p[1..n] for the n known types and returns n; <paramref name="evidence"/> is the
    /// decayed count of the longest context that was found. History ids ≤ 0 (unknown types) end the back-off chain.
    /// </summary>
    internal int PredictInto(ReadOnlySpan<int> history, Span<double> p, out double evidence)
    {
        var n = Types.Count;
        evidence = 0;
        if (n == 0) return 0;
        var inv = _clock.Inverse;

        // order 0: P_0(j) = (c(j) + β/n) / (c + β)
        var total = _order0.Total * inv;
        var prior = UniformStrength / n;
        var denominator = total + UniformStrength;
        for (var j = 1; j <= n; j++) p[j] = (_order0[j] * inv + prior) / denominator;
        evidence = total;

        // orders 1..K: P_k(j) = (c(h_k, j) + α·P_(k−1)(j)) / (c(h_k) + α)
        var key = 0UL;
        for (var k = 1; k <= history.Length && k <= MaxOrder; k++)
        {
            var id = history[^k];
            if (id <= 0) break;
            key |= Code(id) << (_bits * (k - 1));
            if (!_orders[k].TryGetValue(key, out var row)) break;
            var seen = row.Total * inv;
            denominator = seen + BackoffStrength;
            for (var j = 1; j <= n; j++) p[j] = (row[j] * inv + BackoffStrength * p[j]) / denominator;
            evidence = seen;
        }
        return n;
    }

    /// <summary>Order-1 rows: P(next | last) from the decayed order-1 counts alone (no smoothing).</summary>
    internal TransitionTable Transitions()
    {
        // ratios of stored counts are already ratios of true counts: no decay correction needed
        var rows = _orders[1].Values
            .Where(r => r.Total > 0)
            .Select(r => new TransitionRow(Types[r.Context[0]], Distributions.Sorted(Types, r.Counts, r.Total)))
            .OrderBy(r => r.From.Name, StringComparer.Ordinal)
            .ToImmutableArray();
        return new TransitionTable(rows);
    }

    private ulong Code(int id) => (ulong)id <= _maxCode ? (ulong)id : ((ulong)(id - 1) % _maxCode) + 1;

    private void Rescale()
    {
        var factor = 1 / _clock.Rescale();
        _order0.Scale(factor);
        for (var k = 1; k <= MaxOrder; k++)
            foreach (var row in _orders[k].Values) row.Scale(factor);
    }

    // ---- snapshot ----

    internal MarkovSnapshot ToSnapshot()
    {
        var rows = ImmutableArray.CreateBuilder<CountRowSnapshot>();
        rows.Add(CountRowSnapshot.From(Types, _order0));
        for (var k = 1; k <= MaxOrder; k++)
            foreach (var row in _orders[k].Values) rows.Add(CountRowSnapshot.From(Types, row));
        return new MarkovSnapshot(_clock.Weight, rows.ToImmutable());
    }

    internal void Restore(MarkovSnapshot snapshot)
    {
        _clock = new DecayClock(HalfLife, snapshot.Weight);
        foreach (var saved in snapshot.Rows)
        {
            var context = saved.Context.Select(Types.Intern).ToArray();
            if (context.Length > MaxOrder) continue; // restored with a smaller K: the longer contexts are dropped
            var row = saved.ToRow(Types, context);
            if (context.Length == 0) { _order0 = row; continue; }
            var key = 0UL;
            for (var k = 1; k <= context.Length; k++) key |= Code(context[^k]) << (_bits * (k - 1));
            _orders[context.Length][key] = row;
        }
    }
}
