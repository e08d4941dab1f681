using BenchmarkDotNet.Attributes;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Benchmarks;

/// <summary>
/// Learning and predicting next task types: the Markov model alone (target: a million updates per second
/// per core, i.e. under 1 µs per update) and the full predictor (Markov + naive Bayes + log-loss weighting
/// + accuracy bookkeeping), on a stream drawn from a fixed order-1 source over 8 types.
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const int StreamLength = 1 << 16;
    private TaskType[] _stream = [];
    private MarkovModel _markov = null!;
    private SequencePredictor _predictor = null!;
    private PredictionContext[] _contexts = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        TaskType[] types = [.. Enumerable.Range(0, 8).Select(i => new TaskType($"T{i}"))];
        var table = types.Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() + 0.05).ToArray()).ToArray();
        _stream = new TaskType[StreamLength];
        var current = 0;
        for (var i = 0; i < StreamLength; i++)
        {
            var row = table[current];
            var draw = random.NextDouble() * row.Sum();
            var next = 0;
            while (next < 7 && (draw -= row[next]) > 0) next++;
            _stream[i] = types[current = next];
        }
        _contexts = [.. Enumerable.Range(0, StreamLength).Select(i =>
            new PredictionContext([.. _stream[Math.Max(0, i - 3)..i]], "app-1", "host-0/0", i > 0 ? _stream[i - 1] : (TaskType?)null, 12))];
        _markov = new MarkovModel(3, 5000);
        _predictor = new SequencePredictor(new PredictionOptions());
        for (var i = 3; i < StreamLength; i++)
        {
            _markov.Observe(_stream.AsSpan(i - 3, 3), _stream[i]);
            _predictor.Observe(_contexts[i], _stream[i]);
        }
    }

    private int Next() => 3 + (_next++ & (StreamLength - 4));

    [Benchmark]
    public void MarkovUpdate()
    {
        var i = Next();
        _markov.Observe(_stream.AsSpan(i - 3, 3), _stream[i]);
    }

    [Benchmark]
    public NextTypeDistribution MarkovPredict() => _markov.Predict(_stream.AsSpan(Next() - 3, 3));

    [Benchmark]
    public void PredictorUpdate()
    {
        var i = Next();
        _predictor.Observe(_contexts[i], _stream[i]);
    }

    [Benchmark]
    public NextTypeDistribution PredictorPredict() => _predictor.Predict(_contexts[Next()]);
}
