using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prediction;

public class PredictorSnapshotSpec
{
    /// <summary>A varied stream: an order-2 source with apps, hours, worker types and sizes that change with the step.</summary>
    private sealed class Stream(int seed)
    {
        private readonly MarkovSource _source = new(order: 2, types: 8, seed);
        private int _step;

        public PredictionContext Context() =>
            new(_source.History(4), $"app{_step % 3}", $"w{_step % 2}", _source.Names[(_step * 5) % 8], _step % 24);

        public void Feed(params SequencePredictor[] predictors)
        {
            var context = Context();
            var next = _source.Next();
            foreach (var predictor in predictors) predictor.Observe(context, next, 100 * (_step % 7));
            _step++;
        }
    }

    private static SequencePredictor RoundTrip(SequencePredictor predictor, PredictionOptions options)
    {
        var json = JsonSerializer.Serialize(predictor.ToSnapshot());
        return SequencePredictor.FromSnapshot(JsonSerializer.Deserialize<PredictorSnapshot>(json)!, options);
    }

    private static void ShouldPredictIdentically(SequencePredictor restored, SequencePredictor original, IEnumerable<PredictionContext> contexts)
    {
        foreach (var context in contexts)
        {
            var expected = original.Predict(context);
            var actual = restored.Predict(context);
            actual.Probabilities.ShouldBe(expected.Probabilities); // exact: the snapshot keeps stored counts and clock weights
            actual.Confidence.ShouldBe(expected.Confidence);
        }
        restored.Stats.ShouldBe(original.Stats);
        restored.MarkovWeight.ShouldBe(original.MarkovWeight);
        restored.DriftsDetected.ShouldBe(original.DriftsDetected);
        restored.Transitions().Rows.Select(r => (r.From, string.Join(",", r.Next)))
            .ShouldBe(original.Transitions().Rows.Select(r => (r.From, string.Join(",", r.Next))));
        restored.Chains.Edges.ShouldBe(original.Chains.Edges);
        restored.Chains.FrequentChains(5, 4).Select(c => (string.Join(">", c.Types), c.Score))
            .ShouldBe(original.Chains.FrequentChains(5, 4).Select(c => (string.Join(">", c.Types), c.Score)));
    }

    [Fact]
    public void Snapshot_round_trips_through_System_Text_Json_and_predicts_identically()
    {
        var options = PredictionOptions.Default;
        var original = new SequencePredictor(options);
        var stream = new Stream(seed: 3);
        for (var i = 0; i < 5_000; i++) stream.Feed(original);

        var restored = RoundTrip(original, options);

        var probes = new List<PredictionContext>();
        for (var i = 0; i < 200; i++) { probes.Add(stream.Context()); stream.Feed(); }
        ShouldPredictIdentically(restored, original, probes);
    }

    [Fact]
    public void Restored_predictor_keeps_learning_exactly_like_the_original()
    {
        // a short half-life makes the decay clocks rescale, and the table change fires the drift detector:
        // combiner, detector and clocks must all have come through the snapshot
        var options = PredictionOptions.Default with { DecayHalfLife = 20, LossHalfLife = 50 };
        var original = new SequencePredictor(options);
        var stream = new Stream(seed: 4);
        for (var i = 0; i < 12_000; i++) stream.Feed(original);
        var restored = RoundTrip(original, options);

        var probes = new List<PredictionContext>();
        for (var i = 0; i < 3_000; i++)
        {
            probes.Add(stream.Context());
            stream.Feed(original, restored);
        }

        ShouldPredictIdentically(restored, original, probes.TakeLast(100));
    }

    [Fact]
    public void Snapshot_holds_plain_readable_data()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);
        predictor.Observe(new PredictionContext(["A"], "shop", "w1", null, 9), "B", 512);

        var snapshot = predictor.ToSnapshot();
        var json = JsonSerializer.Serialize(snapshot);

        snapshot.Types.ShouldBe([new TaskType("A"), new TaskType("B")]);
        snapshot.Apps.ShouldBe(["shop"]);
        snapshot.Markov.Rows.Length.ShouldBe(2); // order 0 and the context "A"
        snapshot.Counters.Observations.ShouldBe(1);
        json.ShouldContain("\"shop\"");
        json.ShouldContain("\"Types\":[\"A\",\"B\"]");
    }

    [Fact]
    public void A_snapshot_restored_with_a_shorter_maximum_order_drops_the_longer_contexts()
    {
        var original = new SequencePredictor(PredictionOptions.Default with { MaxOrder = 4 });
        var stream = new Stream(seed: 5);
        for (var i = 0; i < 3_000; i++) stream.Feed(original);

        var restored = SequencePredictor.FromSnapshot(original.ToSnapshot(), PredictionOptions.Default with { MaxOrder = 2 });

        restored.ToSnapshot().Markov.Rows.ShouldAllBe(r => r.Context.Length <= 2);
        restored.Predict(stream.Context()).Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-9);
        restored.Transitions().Rows.Length.ShouldBe(original.Transitions().Rows.Length);
    }

    [Fact]
    public void Snapshot_of_another_version_is_rejected()
    {
        var snapshot = new SequencePredictor(PredictionOptions.Default).ToSnapshot() with { Version = 99 };

        Should.Throw<ArgumentException>(() => SequencePredictor.FromSnapshot(snapshot, PredictionOptions.Default))
            .Message.ShouldContain("version 99");
    }
}
