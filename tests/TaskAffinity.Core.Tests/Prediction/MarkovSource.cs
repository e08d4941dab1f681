using System.Collections.Immutable;
using MathNet.Numerics.Distributions;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Tests.Prediction;

/// <summary>
/// A seeded order-k Markov source over n task types: each context's row is drawn from a symmetric Dirichlet,
/// the next type from the row (MathNet's Dirichlet and Categorical). It knows its own table, so a test can
/// compute the Bayes-optimal top-1 accuracy: the mean over steps of max_j P(j | true context).
/// </summary>
internal sealed class MarkovSource
{
    private readonly int _order;
    private readonly int _types;
    private readonly Random _random;
    private readonly List<int> _stream = [];
    private double[][] _rows = [];
    private Categorical[] _samplers = [];

    public MarkovSource(int order, int types, int seed, double concentration = 0.3)
    {
        _order = order;
        _types = types;
        _random = new Random(seed);
        Concentration = concentration;
        Names = [.. Enumerable.Range(0, types).Select(i => new TaskType($"T{i}"))];
        NewTable();
        for (var i = 0; i < order; i++) _stream.Add(_random.Next(types));
    }

    public double Concentration { get; }

    public ImmutableArray<TaskType> Names { get; }

    /// <summary>Draws a fresh transition table (the source changes regime).</summary>
    public void NewTable()
    {
        var contexts = (int)Math.Pow(_types, _order);
        var dirichlet = new Dirichlet(Concentration, _types, _random);
        _rows = [.. Enumerable.Range(0, contexts).Select(_ => dirichlet.Sample())];
        _samplers = [.. _rows.Select(row => new Categorical(row, _random))];
    }

    /// <summary>The last <paramref name="length"/> types of the stream, oldest first: the history a model sees.</summary>
    public ImmutableArray<TaskType> History(int length)
    {
        var take = Math.Min(length, _stream.Count);
        var builder = ImmutableArray.CreateBuilder<TaskType>(take);
        for (var i = _stream.Count - take; i < _stream.Count; i++) builder.Add(Names[_stream[i]]);
        return builder.MoveToImmutable();
    }

    /// <summary>max_j P(j | the true current context): the chance that the best possible guess is right.</summary>
    public double OptimalHit() => _rows[Context()].Max();

    /// <summary>P(type | the true current context): the chance that guessing <paramref name="type"/> is right.</summary>
    public double ProbabilityOf(TaskType? type) => type is { } t ? _rows[Context()][Names.IndexOf(t)] : 0;

    public TaskType Next()
    {
        var next = _samplers[Context()].Sample();
        _stream.Add(next);
        if (_stream.Count > 4096) _stream.RemoveRange(0, _stream.Count - 64);
        return Names[next];
    }

    private int Context()
    {
        var index = 0;
        for (var i = _order; i >= 1; i--) index = index * _types + _stream[^i];
        return index;
    }
}

/// <summary>Feeds a source through a predictor as one long sequence and measures top-1 hits.</summary>
internal static class SourceRun
{
    /// <summary>
    /// Runs <paramref name="steps"/> steps; per step: whether the top guess was right, the chance it had of being
    /// right under the true table (its expected hit: the same measure as the optimum, without the draw's noise),
    /// and the optimum max_j P(j | true context).
    /// </summary>
    public static Step[] Run(SequencePredictor predictor, MarkovSource source, int steps)
    {
        var results = new Step[steps];
        for (var i = 0; i < steps; i++)
        {
            var context = new PredictionContext(source.History(predictor.Options.MaxOrder), "app", "w1", null, 0);
            var optimal = source.OptimalHit();
            var top = predictor.Predict(context).Top;
            var expected = source.ProbabilityOf(top);
            var next = source.Next();
            results[i] = new Step(top == next, expected, optimal);
            predictor.Observe(context, next);
        }
        return results;
    }

    public static double Accuracy(IEnumerable<Step> window) => window.Average(r => r.Hit ? 1.0 : 0.0);

    public static double ExpectedAccuracy(IEnumerable<Step> window) => window.Average(r => r.Expected);

    public static double Optimal(IEnumerable<Step> window) => window.Average(r => r.Optimal);

    internal readonly record struct Step(bool Hit, double Expected, double Optimal);
}
