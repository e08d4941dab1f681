using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

/// <summary>The model a policy decides from, and the order-1 transition table in it.</summary>
public class PlacementModelSpec
{
    private static readonly TransitionTable Table = new([
        new TransitionRow("A", [new TypeProbability("X", 0.75), new TypeProbability("Y", 0.25)]),
        new TransitionRow("B", [new TypeProbability("Y", 1.0)]),
    ]);

    [Fact]
    public void The_empty_model_knows_no_affinity_and_no_transitions()
    {
        PlacementModel.Empty.Affinity.Entries.ShouldBeEmpty();
        PlacementModel.Empty.Transitions.P("A", "X").ShouldBe(0);
        PlacementModel.Empty.Transitions.Next(null).ShouldBe(NextTypeDistribution.Empty);
    }

    [Fact]
    public void A_known_previous_type_gives_its_row()
    {
        Table.P("A", "X").ShouldBe(0.75);
        Table.P("A", "Z").ShouldBe(0);
        var next = Table.Next("A");
        next.Top.ShouldBe(new TaskType("X"));
        next.Confidence.ShouldBe(0.75);
    }

    [Fact]
    public void An_unknown_previous_type_gives_the_marginal_each_row_counting_once()
    {
        // (0.75 + 0) / 2 for X, (0.25 + 1) / 2 for Y
        Table.P("Q", "X").ShouldBe(0.375);
        Table.Next(null).P("Y").ShouldBe(0.625);
        Table.Next(null).Probabilities.Sum(p => p.Probability).ShouldBe(1, tolerance: 1e-12);
    }

    [Fact]
    public void Distributions_are_sorted_descending_and_normalised()
    {
        var distribution = NextTypeDistribution.FromWeights([new("b", 1), new("a", 3), new("c", 1), new("z", 0)]);

        distribution.Probabilities.Select(p => p.Type.Name).ShouldBe(["a", "b", "c"]);
        distribution.P("a").ShouldBe(0.6);
        distribution.Confidence.ShouldBe(0.6);
        NextTypeDistribution.Empty.Top.ShouldBeNull();
    }

    [Fact]
    public void A_single_probability_is_the_one_the_whole_distribution_gives()
    {
        // rows unnormalised, with a repeated type, a zero and a NaN, as a table built elsewhere may carry them
        var table = new TransitionTable([
            new TransitionRow("A", [new TypeProbability("X", 3), new TypeProbability("Y", 1), new TypeProbability("X", 1), new TypeProbability("Z", 0)]),
            new TransitionRow("B", [new TypeProbability("Y", double.NaN), new TypeProbability("Z", 0.2)]),
            new TransitionRow("C", []),
        ]);
        foreach (var from in new TaskType[] { "A", "B", "C", "Q" })
            foreach (var to in new TaskType[] { "X", "Y", "Z", "W" })
                table.P(from, to).ShouldBe(table.Next(from).P(to), 1e-12, $"P({to} | {from})");
        table.P("A", "X").ShouldBe(0.8, 1e-12);
    }
}
