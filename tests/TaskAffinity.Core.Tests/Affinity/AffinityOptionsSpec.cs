using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Affinity;

public class AffinityOptionsSpec
{
    [Fact]
    public void Default_weights_and_options_have_no_problems()
    {
        AffinityWeights.Default.Problems().ShouldBeEmpty();
        new AffinityOptions().Problems().ShouldBeEmpty();
        AffinityWeights.Default.Duration.ShouldBeGreaterThan(AffinityWeights.Default.ErrorRate);
    }

    [Theory]
    [InlineData(-0.1, "duration")]
    [InlineData(1.5, "duration")]
    [InlineData(double.NaN, "duration")]
    public void A_weight_outside_zero_to_one_is_a_problem_naming_the_field(double value, string field)
    {
        var problems = (AffinityWeights.Default with { Duration = value }).Problems();

        problems.ShouldHaveSingleItem().ShouldStartWith(field);
    }

    [Fact]
    public void A_bad_error_rate_weight_names_error_rate()
    {
        (AffinityWeights.Default with { ErrorRate = 2 }).Problems().ShouldHaveSingleItem().ShouldStartWith("errorRate");
    }

    [Fact]
    public void All_zero_weights_are_a_problem()
    {
        new AffinityWeights(0, 0, 0, 0, 0).Problems().ShouldHaveSingleItem().ShouldContain("above 0");
    }

    [Theory]
    [InlineData(0.5, 0.05, "halfLifeSamples")]
    [InlineData(20_000, 0.05, "halfLifeSamples")]
    [InlineData(20, 0.6, "explorationShare")]
    [InlineData(20, -0.01, "explorationShare")]
    public void Out_of_range_options_are_problems_naming_the_key(double halfLife, double share, string key)
    {
        var options = new AffinityOptions { HalfLifeSamples = halfLife, ExplorationShare = share };

        options.Problems().ShouldHaveSingleItem().ShouldStartWith(key);
    }

    [Fact]
    public void Weights_for_a_type_come_from_its_entry_else_the_default()
    {
        var latency = new AffinityWeights(1, 0, 0, 0, 0);
        var options = new AffinityOptions { WeightsByType = ImmutableDictionary<TaskType, AffinityWeights>.Empty.Add("SnapshotView", latency) };

        options.WeightsFor("SnapshotView").ShouldBe(latency);
        options.WeightsFor("Other").ShouldBe(AffinityWeights.Default);
    }

    [Fact]
    public void A_bad_per_type_weight_is_named_with_its_type()
    {
        var options = new AffinityOptions
        {
            WeightsByType = ImmutableDictionary<TaskType, AffinityWeights>.Empty.Add("SnapshotView", new AffinityWeights(1, -1, 0, 0, 0)),
        };

        options.Problems().ShouldHaveSingleItem().ShouldBe("weights.SnapshotView.cpu must be a number in [0, 1], was -1");
    }
}
