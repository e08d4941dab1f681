using System.Collections.Immutable;
using System.Text.Json;
using Shouldly;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prediction;

public class SequencePredictorSpec
{
    private static PredictionContext Context(string? app = null, int hour = 0, string? workerLast = null, params TaskType[] history) =>
        new([.. history], app, "w1", workerLast is null ? (TaskType?)null : new TaskType(workerLast), hour);

    /// <summary>Feeds a repeating cycle as one sequence, the history being the last three types.</summary>
    private static void Cycle(SequencePredictor predictor, int steps, params TaskType[] cycle)
    {
        for (var i = 0; i < steps; i++)
        {
            var history = Enumerable.Range(Math.Max(0, i - 3), Math.Min(i, 3)).Select(j => cycle[j % cycle.Length]).ToArray();
            predictor.Observe(Context(history: history), cycle[i % cycle.Length]);
        }
    }

    [Fact]
    public void Empty_predictor_predicts_Empty_with_empty_stats()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);

        predictor.Predict(Context(history: "A")).ShouldBe(NextTypeDistribution.Empty);
        predictor.Stats.ShouldBe(PredictionStats.Empty);
        predictor.Transitions().Rows.ShouldBeEmpty();
    }

    [Fact]
    public void A_default_history_is_treated_as_empty()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);
        var context = new PredictionContext(default, null, null, null, 0);

        predictor.Observe(context, "A");

        predictor.Predict(context).Top.ShouldBe(new TaskType("A"));
    }

    [Fact]
    public void Learns_a_cycle_and_counts_its_hits_and_type_changes()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);

        Cycle(predictor, 3_000, "A", "B", "C");

        var stats = predictor.Stats;
        stats.Observations.ShouldBe(3_000);
        stats.TypeChanges.ShouldBe(2_999); // every step but the first (no history) changes type
        stats.Top1Accuracy.ShouldBeGreaterThan(0.99);
        stats.Top1OnChange.ShouldBeGreaterThan(0.99);
        stats.RecentLogLoss.ShouldBeLessThan(0.1);
        predictor.Predict(Context(history: ["A", "B"])).Top.ShouldBe(new TaskType("C"));
    }

    [Fact]
    public void Repeating_the_last_type_is_not_a_type_change()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);

        for (var i = 0; i < 10; i++) predictor.Observe(Context(history: "A"), "A");

        predictor.Stats.TypeChanges.ShouldBe(0);
        predictor.Stats.Top1OnChange.ShouldBe(0);
        predictor.Stats.Top1Accuracy.ShouldBe(0.9); // the first guess had nothing to go on
    }

    [Fact]
    public void Naive_Bayes_takes_over_where_the_application_decides_what_follows()
    {
        // after X, app "a" always runs Y and app "b" always runs Z: the history alone cannot tell them apart
        var predictor = new SequencePredictor(PredictionOptions.Default);
        for (var i = 0; i < 2_000; i++)
        {
            var app = i % 2 == 0 ? "a" : "b";
            predictor.Observe(Context(app, history: "X"), app == "a" ? "Y" : "Z");
        }

        predictor.MarkovWeight.ShouldBeLessThan(0.01);
        predictor.Predict(Context("a", history: "X")).Top.ShouldBe(new TaskType("Y"));
        predictor.Predict(Context("b", history: "X")).Top.ShouldBe(new TaskType("Z"));
        predictor.Predict(Context("b", history: "X")).P("Z").ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void Naive_Bayes_uses_the_hour_of_day_and_ignores_unseen_values()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);
        for (var i = 0; i < 2_000; i++)
        {
            var night = i % 4 == 0;
            predictor.Observe(Context(hour: night ? 2 : 14, history: "X"), night ? "Backup" : "Query");
        }

        predictor.Predict(Context(hour: 2, history: "X")).Top.ShouldBe(new TaskType("Backup"));
        predictor.Predict(Context(hour: 14, history: "X")).Top.ShouldBe(new TaskType("Query"));
        // an app never seen carries no information: the prediction is what the rest of the context says
        predictor.Predict(Context("never-seen", hour: 2, history: "X")).Top.ShouldBe(new TaskType("Backup"));
    }

    [Fact]
    public void Markov_keeps_the_weight_where_the_sequence_decides()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);

        // after "A A" comes B or C depending on the type three back: beyond naive Bayes' last-two feature
        Cycle(predictor, 3_000, "A", "A", "B", "A", "A", "C");

        predictor.MarkovWeight.ShouldBeGreaterThan(0.99);
        predictor.Predict(Context(history: ["C", "A", "A"])).Top.ShouldBe(new TaskType("B"));
        predictor.Predict(Context(history: ["B", "A", "A"])).Top.ShouldBe(new TaskType("C"));
    }

    [Fact]
    public void Confidence_is_in_zero_to_one_and_probabilities_sum_to_one()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default);
        var source = new MarkovSource(order: 2, types: 8, seed: 5);
        for (var i = 0; i < 3_000; i++)
        {
            var context = new PredictionContext(source.History(3), $"app{i % 3}", "w1", source.Names[i % 8], i % 24);
            var prediction = predictor.Predict(context);
            if (i > 0)
            {
                prediction.Confidence.ShouldBeInRange(0, 1);
                prediction.Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-9);
            }
            predictor.Observe(context, source.Next());
        }
    }

    [Fact]
    public void Transitions_are_the_order_1_counts()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default with { DecayHalfLife = 1e9 });
        foreach (var next in new TaskType[] { "B", "B", "B", "C" }) predictor.Observe(Context(history: "A"), next);
        predictor.Observe(Context(history: "B"), "A");

        var table = predictor.Transitions();

        table.Rows.Select(r => r.From.Name).ShouldBe(["A", "B"]);
        table.P("A", "B").ShouldBe(0.75, tolerance: 1e-6);
        table.P("A", "C").ShouldBe(0.25, tolerance: 1e-6);
        table.P("B", "A").ShouldBe(1, tolerance: 1e-6);
    }

    [Fact]
    public void Observe_with_bytes_records_the_chain_edge_and_without_leaves_the_graph_alone()
    {
        var predictor = new SequencePredictor(PredictionOptions.Default with { DecayHalfLife = 1e9 });

        predictor.Observe(Context(history: "A"), "B", 1_000);
        predictor.Observe(Context(history: "A"), "B", 3_000);
        predictor.Observe(Context(history: "A"), "B"); // no bytes: the caller feeds Chains itself
        predictor.Observe(Context(), "A", 50);         // no previous type: no edge

        var edge = predictor.Chains.Edges.ShouldHaveSingleItem();
        (edge.From, edge.To).ShouldBe((new TaskType("A"), new TaskType("B")));
        edge.Frequency.ShouldBe(2, tolerance: 1e-6);
        edge.MeanBytes.ShouldBe(2_000, tolerance: 1e-6);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_field()
    {
        var problem = Should.Throw<ArgumentException>(() => new SequencePredictor(new PredictionOptions { MaxOrder = 9, LossHalfLife = 0 }));

        problem.Message.ShouldContain("MaxOrder");
        problem.Message.ShouldContain("LossHalfLife");
        PredictionOptions.Default.Problems().ShouldBeEmpty();
        new PredictionOptions { DecayHalfLife = double.NaN }.Problems().ShouldHaveSingleItem().ShouldContain("DecayHalfLife");
    }
}
