using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>An edge of the chain graph: how often <see cref="To"/> followed <see cref="From"/> (decayed count), and the mean bytes moved.</summary>
public sealed record ChainEdge(TaskType From, TaskType To, double Frequency, double MeanBytes);

/// <summary>A recurring chain of task types with its estimated frequency and ranking score.</summary>
public sealed record FrequentChain(ImmutableArray<TaskType> Types, double Frequency, double Score);

/// <summary>
/// The learned chain graph: type → type edges with their (decayed) frequency and the mean data bytes moved along
/// them, and the chains of types that recur. Not thread-safe; the predictor owns it.
/// </summary>
public sealed class ChainGraph
{
    private const int LongestChain = 32;

    private readonly Dictionary<(TaskType From, TaskType To), EdgeCounts> _edges = [];
    private readonly double _halfLife;
    private DecayClock _clock;

    /// <param name="decayHalfLife">Half-life of the counts in observed edges; infinity keeps them forever.</param>
    public ChainGraph(double decayHalfLife = double.PositiveInfinity)
    {
        _halfLife = decayHalfLife;
        _clock = new DecayClock(decayHalfLife);
    }

    /// <summary>Records that a task of type <paramref name="to"/> followed one of type <paramref name="from"/> and read <paramref name="bytesMoved"/> from it.</summary>
    public void Observe(TaskType from, TaskType to, long bytesMoved)
    {
        if (_clock.Tick()) Rescale();
        var w = _clock.Weight;
        if (!_edges.TryGetValue((from, to), out var counts)) _edges[(from, to)] = counts = new EdgeCounts();
        counts.Count += w;
        counts.Bytes += w * Math.Max(0, bytesMoved);
    }

    /// <summary>Edges, most frequent first; Frequency = decayed count, MeanBytes = decayed mean Σ w·bytes / Σ w.</summary>
    public ImmutableArray<ChainEdge> Edges =>
        [.. _edges
            .Select(e => new ChainEdge(e.Key.From, e.Key.To, e.Value.Count * _clock.Inverse, e.Value.Bytes / e.Value.Count))
            .OrderByDescending(e => e.Frequency).ThenBy(e => e.From.Name, StringComparer.Ordinal).ThenBy(e => e.To.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The <paramref name="top"/> best chains of 2..<paramref name="maxLength"/> types.
    /// <para>
    /// Frequency of a chain t_1…t_m is its expected count under the learned first-order graph:
    /// <c>f = f(t_1→t_2) · Π_(i=2..m−1) P(t_(i+1) | t_i)</c>, with <c>P(c | b) = f(b→c) / Σ_x f(b→x)</c>.
    /// Score = <c>f · (m − 1)</c>: the number of transitions the chain would let a scheduler anticipate. Extending an
    /// m-type chain by a step of probability P beats it exactly when <c>f·P·m &gt; f·(m−1)</c>, i.e. P &gt; (m−1)/m
    /// (½ for the second edge, ⅔ for the third, ...), so long chains rank high only when each step is near certain.
    /// Search is depth-first with branch-and-bound: f never grows along a chain, so a chain whose
    /// <c>f · (maxLength − 1)</c> is below the current top-th score cannot lead anywhere better.
    /// Types may repeat (a loop A→B→A is a chain too). Ties are ordered by the type names.
    /// </para>
    /// </summary>
    public ImmutableArray<FrequentChain> FrequentChains(int top, int maxLength)
    {
        if (top <= 0 || maxLength < 2 || _edges.Count == 0) return [];
        maxLength = Math.Min(maxLength, LongestChain);
        var inv = _clock.Inverse;
        var outgoing = _edges
            .GroupBy(e => e.Key.From)
            .ToDictionary(g => g.Key, g =>
            {
                var total = g.Sum(e => e.Value.Count);
                return g.Select(e => (To: e.Key.To, Frequency: e.Value.Count * inv, P: e.Value.Count / total))
                    .OrderByDescending(e => e.Frequency).ThenBy(e => e.To.Name, StringComparer.Ordinal).ToArray();
            });
        var best = new List<FrequentChain>();
        var path = new List<TaskType>();

        void Consider(double frequency)
        {
            var chain = new FrequentChain([.. path], frequency, frequency * (path.Count - 1));
            var at = best.FindIndex(c => Better(chain, c));
            best.Insert(at < 0 ? best.Count : at, chain);
            if (best.Count > top) best.RemoveAt(best.Count - 1);
        }

        double Bar() => best.Count < top ? 0 : best[^1].Score;

        void Extend(double frequency)
        {
            if (path.Count == maxLength || !outgoing.TryGetValue(path[^1], out var next)) return;
            foreach (var edge in next)
            {
                var f = frequency * edge.P;
                if (f * (maxLength - 1) < Bar()) break; // sorted by frequency: the rest are worse still
                path.Add(edge.To);
                Consider(f);
                Extend(f);
                path.RemoveAt(path.Count - 1);
            }
        }

        foreach (var (from, next) in outgoing.OrderBy(o => o.Key.Name, StringComparer.Ordinal))
            foreach (var edge in next)
            {
                if (edge.Frequency * (maxLength - 1) < Bar()) break;
                path.Add(from);
                path.Add(edge.To);
                Consider(edge.Frequency);
                Extend(edge.Frequency);
                path.Clear();
            }
        return [.. best];
    }

    internal ChainGraphSnapshot ToSnapshot() =>
        new(_clock.Weight, [.. _edges.Select(e => new ChainEdgeSnapshot(e.Key.From, e.Key.To, e.Value.Count, e.Value.Bytes))]);

    internal void Restore(ChainGraphSnapshot snapshot)
    {
        _clock = new DecayClock(_halfLife, snapshot.Weight);
        _edges.Clear();
        foreach (var e in snapshot.Edges.IsDefault ? [] : snapshot.Edges)
            _edges[(e.From, e.To)] = new EdgeCounts { Count = e.Count, Bytes = e.Bytes };
    }

    private static bool Better(FrequentChain a, FrequentChain b)
    {
        if (a.Score != b.Score) return a.Score > b.Score;
        for (var i = 0; i < Math.Min(a.Types.Length, b.Types.Length); i++)
        {
            var byName = string.CompareOrdinal(a.Types[i].Name, b.Types[i].Name);
            if (byName != 0) return byName < 0;
        }
        return a.Types.Length < b.Types.Length;
    }

    private void Rescale()
    {
        var factor = 1 / _clock.Rescale();
        foreach (var counts in _edges.Values)
        {
            counts.Count *= factor;
            counts.Bytes *= factor;
        }
    }

    private sealed class EdgeCounts
    {
        public double Count;
        public double Bytes;
    }
}
