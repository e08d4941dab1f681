using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public partial class WaitingLineSpec
{
    /// <summary>A shortest-expected line of "chain/task:type" tasks; a type's expected ms from the table, unknown when absent.</summary>
    private static WaitingLine<string> Shortest(Dictionary<string, double> expectedMs, int agedAfter, params string[] tasks)
    {
        var line = new WaitingLine<string>(e => expectedMs.TryGetValue(e.Type.Name, out var ms) ? ms : null, agedAfter);
        foreach (var task in tasks) Add(line, task);
        return line;
    }

    private static readonly Dictionary<string, double> BigSlowSmallFast = new() { ["big"] = 5_000, ["mid"] = 500, ["small"] = 50 };

    [Fact]
    public void Shortest_expected_line_tries_the_shortest_type_first_and_ties_in_arrival_order()
    {
        var line = Shortest(BigSlowSmallFast, 1000, "a/1:big", "b/1:mid", "a/2:small", "c/1:big", "b/2:small");

        line.Order.ShouldBe(LineOrder.ShortestExpected);
        line.InOrder().Select(e => e.Item).ShouldBe(["a/2:small", "b/2:small", "b/1:mid", "a/1:big", "c/1:big"]);
        Serve(line, int.MaxValue, ("big", 9), ("mid", 9), ("small", 9)).Placed.ShouldBe(["a/2:small", "b/2:small", "b/1:mid", "a/1:big", "c/1:big"]);
    }

    [Fact]
    public void Shortest_expected_line_with_nothing_known_is_served_in_arrival_order_and_unknown_types_go_after_known()
    {
        Shortest([], 1000, "a/1:big", "b/1:small", "c/1:mid").InOrder().Select(e => e.Item).ShouldBe(["a/1:big", "b/1:small", "c/1:mid"]);
        Shortest(new() { ["mid"] = 500 }, 1000, "a/1:big", "b/1:small", "c/1:mid").InOrder().Select(e => e.Item)
            .ShouldBe(["c/1:mid", "a/1:big", "b/1:small"]);
    }

    [Fact]
    public void Shortest_expected_line_tries_a_type_found_full_once_per_pass()
    {
        var line = Shortest(BigSlowSmallFast, 1000, "a/1:small", "a/2:small", "a/3:small", "b/1:big", "b/2:big");

        var (placed, tried) = Serve(line, int.MaxValue, ("big", 1));

        tried.ShouldBe(["a/1:small", "b/1:big", "b/2:big"]);
        placed.ShouldBe(["b/1:big"]);
        line.Count.ShouldBe(4);
    }

    [Fact]
    public void A_long_task_goes_ahead_of_shorter_ones_once_the_aging_bound_of_placements_has_passed()
    {
        // arrange: one big task, then short ones keep arriving; the line places one task per pass
        const int agedAfter = 3;
        var line = Shortest(BigSlowSmallFast, agedAfter, "a/1:big");
        var placedBeforeBig = 0;
        for (var i = 0; i < 20; i++)
        {
            Add(line, $"s/{i}:small");
            var (placed, _) = Serve(line, 1, ("big", 1), ("small", 1));
            if (placed.Contains("a/1:big")) break;
            placedBeforeBig += placed.Count;
        }

        // assert: K tasks are placed from the line while it is young, then it is first (nothing joined before it)
        placedBeforeBig.ShouldBe(agedAfter);
        line.Contains(Key("a", "1")).ShouldBeFalse();
    }

    [Fact]
    public void Aged_tasks_go_in_arrival_order_ahead_of_younger_shorter_ones()
    {
        var room = new[] { ("big", 9), ("mid", 9), ("small", 9) };
        var line = Shortest(BigSlowSmallFast, 1, "a/1:big", "b/1:mid", "c/1:small");
        Serve(line, 1, room).Placed.ShouldBe(["c/1:small"]); // a and b have now seen one placement: aged
        Add(line, "d/1:small");

        line.InOrder().Select(e => e.Item).ShouldBe(["a/1:big", "b/1:mid", "d/1:small"]);
        Serve(line, 1, room).Placed.ShouldBe(["a/1:big"]);
    }

    [Fact]
    public void A_shortest_expected_line_needs_its_estimate()
    {
        Should.Throw<ArgumentException>(() => new WaitingLine<string>(LineOrder.ShortestExpected));
        Should.Throw<ArgumentOutOfRangeException>(() => new WaitingLine<string>(_ => 1, -1));
    }
}
