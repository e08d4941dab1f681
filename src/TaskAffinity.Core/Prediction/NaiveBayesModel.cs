using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Naive Bayes over context features: the last type, the last two types, the application, the hour of day and
/// the worker's last type. It sees what the Markov model cannot (who asks and when), and it is the better guess
/// early on or for contexts the Markov model has not met.
/// <para>
/// <c>P(y | x) ∝ P(y) · Π_i P(x_i | y)</c> with Laplace smoothing,
/// <c>P(y) = (c(y) + 1) / (N + n)</c> and <c>P(x_i = v | y) = (c(y, i, v) + 1) / (c(y) + V_i + 1)</c>, where V_i is
/// the number of values feature i has taken (+1 keeps mass for a new one). A value never seen for any type
/// carries no information and is left out of the product. Counts decay like the Markov model's
/// (<see cref="DecayClock"/>). Products, not log sums: five factors ≥ 1/(c(y) + V) cannot underflow.
/// </para>
/// </summary>
internal sealed class NaiveBayesModel
{
    /// <summary>Feature slots; the key of a (feature, value) pair is <c>feature &lt;&lt; 56 | value</c>.</summary>
    internal enum Feature { Last = 0, LastTwo = 1, App = 2, Hour = 3, WorkerLast = 4 }

    internal const int FeatureCount = 5;

    /// <summary>A key that is never stored: used for values (types, apps) the model has never seen.</summary>
    internal const ulong UnknownKey = ulong.MaxValue;

    private readonly Dictionary<ulong, CountRow> _likelihood = [];
    private readonly int[] _distinct = new int[FeatureCount];
    private readonly double _halfLife;
    private CountRow _prior = new([]);
    private DecayClock _clock;

    public NaiveBayesModel(double decayHalfLife, TypeIndex types)
    {
        _halfLife = decayHalfLife;
        _clock = new DecayClock(decayHalfLife);
        Types = types;
    }

    internal TypeIndex Types { get; }

    /// <summary>
    /// Feature keys for a context. Type ids are 0 for "none" and −1 for unknown; app is an interned id (0 none,
    /// −1 unknown); hour is 0..23.
    /// </summary>
    internal static void Keys(int last, int previous, int app, int hour, int workerLast, Span<ulong> keys)
    {
        keys[0] = Key(Feature.Last, last);
        keys[1] = last < 0 || previous < 0 ? UnknownKey : Key(Feature.LastTwo, ((long)previous << 28) | (uint)last);
        keys[2] = Key(Feature.App, app);
        keys[3] = Key(Feature.Hour, hour + 1);
        keys[4] = Key(Feature.WorkerLast, workerLast);
    }

    public void Learn(ReadOnlySpan<ulong> keys, int y)
    {
        if (_clock.Tick()) Rescale();
        var w = _clock.Weight;
        _prior.Add(y, w);
        foreach (var key in keys)
        {
            ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(_likelihood, key, out var exists);
            if (!exists)
            {
                row = new CountRow([], Types.Count + 1);
                _distinct[(int)(key >> 56)]++;
            }
            row!.Add(y, w);
        }
    }

    /// <summary>Writes P(j | features) into p[1..n] and returns n (0 when nothing is known).</summary>
    public int PredictInto(ReadOnlySpan<ulong> keys, Span<double> p)
    {
        var n = Types.Count;
        if (n == 0) return 0;
        var inv = _clock.Inverse;
        var total = _prior.Total * inv;
        for (var y = 1; y <= n; y++) p[y] = (_prior[y] * inv + 1) / (total + n);
        foreach (var key in keys)
        {
            if (!_likelihood.TryGetValue(key, out var row)) continue;
            var values = _distinct[(int)(key >> 56)] + 1;
            for (var y = 1; y <= n; y++) p[y] *= (row[y] * inv + 1) / (_prior[y] * inv + values);
        }
        var sum = 0.0;
        for (var y = 1; y <= n; y++) sum += p[y];
        for (var y = 1; y <= n; y++) p[y] /= sum;
        return n;
    }

    /// <summary>Multiplies every count by <paramref name="keep"/> in O(1) (drift response).</summary>
    public void Forget(double keep)
    {
        if (_clock.Forget(keep)) Rescale();
    }

    private static ulong Key(Feature feature, long value) =>
        value < 0 ? UnknownKey : ((ulong)feature << 56) | ((ulong)value & ((1UL << 56) - 1));

    private void Rescale()
    {
        var factor = 1 / _clock.Rescale();
        _prior.Scale(factor);
        foreach (var row in _likelihood.Values) row.Scale(factor);
    }

    // ---- snapshot: keys are kept as numbers; type values in them are ids in the snapshot's type order ----

    internal NaiveBayesSnapshot ToSnapshot() => new(
        _clock.Weight,
        CountRowSnapshot.From(Types, _prior),
        [.. _likelihood.Select(e => new FeatureCountsSnapshot(
            (int)(e.Key >> 56), (long)(e.Key & ((1UL << 56) - 1)), CountRowSnapshot.From(Types, e.Value)))]);

    internal void Restore(NaiveBayesSnapshot snapshot)
    {
        _clock = new DecayClock(_halfLife, snapshot.Weight);
        _prior = snapshot.Prior.ToRow(Types, []);
        Array.Clear(_distinct);
        foreach (var entry in snapshot.Features)
        {
            if (entry.Feature is < 0 or >= FeatureCount) continue;
            _likelihood[Key((Feature)entry.Feature, entry.Value)] = entry.Counts.ToRow(Types, []);
            _distinct[entry.Feature]++;
        }
    }
}
