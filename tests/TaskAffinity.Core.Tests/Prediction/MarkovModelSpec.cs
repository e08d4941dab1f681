using Shouldly;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prediction;

public class MarkovModelSpec
{
    private static void Teach(MarkovModel model, int times, params TaskType[] sequence)
    {
        for (var t = 0; t < times; t++)
            for (var i = 1; i < sequence.Length; i++)
                model.Observe(sequence.AsSpan(0, i), sequence[i]);
    }

    [Fact]
    public void Empty_model_predicts_Empty()
    {
        var model = new MarkovModel(3, 5000);

        model.Predict(["A"]).ShouldBe(NextTypeDistribution.Empty);
        model.Predict([]).ShouldBe(NextTypeDistribution.Empty);
    }

    [Fact]
    public void Unseen_context_backs_off_to_the_shorter_one()
    {
        var model = new MarkovModel(3, 5000);
        Teach(model, 200, "A", "B", "C");

        // "Q B" was never seen (Q is not even known): the order-1 context "B" still says C
        var prediction = model.Predict(["Q", "B"]);

        prediction.Top.ShouldBe(new TaskType("C"));
        prediction.P("C").ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Well_observed_longer_context_overrides_the_shorter_one()
    {
        var model = new MarkovModel(3, 5000);
        Teach(model, 200, "A", "B", "C");
        Teach(model, 200, "D", "B", "E");

        model.Predict(["B"]).P("C").ShouldBe(0.5, tolerance: 0.05); // order 1 alone cannot tell
        model.Predict(["A", "B"]).Top.ShouldBe(new TaskType("C"));
        model.Predict(["D", "B"]).Top.ShouldBe(new TaskType("E"));
        model.Predict(["A", "B"]).P("C").ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void A_context_seen_once_defers_mostly_to_its_suffix()
    {
        var model = new MarkovModel(2, 5000);
        Teach(model, 100, "X", "B", "C");
        Teach(model, 1, "Y", "B", "E"); // one contrary observation after "Y B"

        // P_2(E | Y B) = (1 + α·P_1(E | B)) / (1 + α) with α = 16: the single observation does not take over
        model.Predict(["Y", "B"]).Top.ShouldBe(new TaskType("C"));
    }

    [Fact]
    public void Distribution_is_sorted_sums_to_one_and_confidence_is_a_probability()
    {
        var model = new MarkovModel(3, 5000);
        var random = new Random(7);
        TaskType[] types = ["A", "B", "C", "D", "E"];
        var history = new List<TaskType> { "A" };
        for (var i = 0; i < 2_000; i++)
        {
            var next = types[random.Next(types.Length)];
            model.Observe(history.ToArray(), next);
            history.Add(next);

            var prediction = model.Predict(history.TakeLast(3).ToArray());
            prediction.Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-9);
            prediction.Probabilities.Select(p => p.Probability).ShouldBeInOrder(SortDirection.Descending);
            prediction.Confidence.ShouldBeInRange(0, 1);
        }
    }

    [Fact]
    public void Confidence_grows_with_evidence_for_the_same_certainty()
    {
        var model = new MarkovModel(1, 5000);
        model.Observe(["A"], "B");
        var early = model.Predict(["A"]).Confidence;
        Teach(model, 100, "A", "B");

        model.Predict(["A"]).Confidence.ShouldBeGreaterThan(early);
        model.Predict(["A"]).Confidence.ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Counts_decay_so_the_model_follows_a_change()
    {
        var forgetful = new MarkovModel(1, decayHalfLife: 100);
        var forever = new MarkovModel(1, decayHalfLife: double.PositiveInfinity);
        foreach (var model in new[] { forgetful, forever })
        {
            Teach(model, 1_000, "A", "B");
            Teach(model, 1_000, "A", "C");
        }

        // 1,000 observations = 10 half-lives: the old B counts weigh 2^-10 of the new C counts
        forgetful.Predict(["A"]).P("C").ShouldBeGreaterThan(0.99);
        forever.Predict(["A"]).P("C").ShouldBe(0.5, tolerance: 0.01);
    }

    [Fact]
    public void Decay_halves_an_old_count_after_one_half_life()
    {
        var model = new MarkovModel(1, decayHalfLife: 50);
        model.Observe(["A"], "B");
        for (var i = 0; i < 50; i++) model.Observe(["Z"], "Z"); // 50 observations elsewhere
        model.Observe(["A"], "C");

        // c(A→B) = 2^-(51/50) ≈ 0.493, c(A→C) = 1; the transition table is the plain ratio of decayed counts
        var counts = model.Transitions().Next("A");
        counts.P("B").ShouldBe(Math.Pow(2, -51.0 / 50) / (1 + Math.Pow(2, -51.0 / 50)), tolerance: 1e-9);
    }

    [Fact]
    public void Forget_weakens_old_counts_at_once()
    {
        var model = new MarkovModel(1, decayHalfLife: 1e9);
        Teach(model, 100, "A", "B");

        model.Forget(0.01); // 100 A→B now weigh 1
        Teach(model, 9, "A", "C");

        model.Transitions().P("A", "C").ShouldBe(0.9, tolerance: 1e-6);
    }

    [Fact]
    public void Long_runs_with_a_short_half_life_rescale_without_losing_precision()
    {
        // W grows by 2^(1/10) a step and passes 1e150 after ~5,000 steps: several rescales in 20,000
        var model = new MarkovModel(2, decayHalfLife: 10);
        Teach(model, 10_000, "A", "B");
        Teach(model, 100, "A", "C");

        var prediction = model.Predict(["A"]);
        prediction.Top.ShouldBe(new TaskType("C"));
        prediction.Probabilities.ShouldAllBe(p => double.IsFinite(p.Probability));
        prediction.Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-9);
    }

    [Fact]
    public void Repeated_contexts_do_not_grow_the_model()
    {
        var model = new MarkovModel(3, 5000);
        Teach(model, 10, "A", "B", "C", "D");
        var contexts = model.ContextCount;
        Teach(model, 1_000, "A", "B", "C", "D");

        model.ContextCount.ShouldBe(contexts);
        contexts.ShouldBe(3 + 2 + 1); // order 1: A,B,C; order 2: AB,BC; order 3: ABC
    }

    [Fact]
    public void More_types_than_the_packing_holds_still_predict()
    {
        // order 8 packs 8 bits per type: ids above 255 share codes, which blurs but never breaks
        var model = new MarkovModel(8, 5000);
        var types = Enumerable.Range(0, 300).Select(i => new TaskType($"T{i}")).ToArray();
        for (var round = 0; round < 3; round++)
            for (var i = 1; i < types.Length; i++)
                model.Observe(types.AsSpan(Math.Max(0, i - 8), Math.Min(i, 8)), types[i]);

        var prediction = model.Predict(types.AsSpan(100, 8));
        prediction.Top.ShouldBe(types[108]);
        prediction.Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-9);
        // ids 1..8 (T0..T7) share codes with ids 256..263 (T255..T262): both continuations are learnt together
        model.Predict(types.AsSpan(0, 8)).Top.ShouldBeOneOf(types[8], types[263]);
    }

    [Fact]
    public void Order_outside_1_to_8_is_rejected()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new MarkovModel(0, 5000));
        Should.Throw<ArgumentOutOfRangeException>(() => new MarkovModel(9, 5000));
    }
}
