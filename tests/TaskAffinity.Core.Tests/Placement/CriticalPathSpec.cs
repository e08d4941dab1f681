using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public class CriticalPathSpec
{
    /// <summary>The paths of a graph given as "task: the tasks that depend on it"; a task's type is its name's first letter.</summary>
    private static CriticalPath Paths(Dictionary<string, string[]> dependents, params string[] tasks) =>
        CriticalPath.Of(tasks, id => dependents.GetValueOrDefault(id, []), id => new TaskType(id[..1]));

    [Fact]
    public void Nothing_follows_a_task_nothing_depends_on()
    {
        var paths = Paths([], "a");
        paths.After("a").ShouldBeEmpty();
        paths.TypesAfter("a").ShouldBeEmpty();
    }

    [Fact]
    public void A_line_is_the_rest_of_the_line_after_the_task()
    {
        var paths = Paths(new() { ["a"] = ["b"], ["b"] = ["c"] }, "a", "b", "c");
        paths.After("a").ShouldBe(["b", "c"]);
        paths.After("b").ShouldBe(["c"]);
    }

    [Fact]
    public void Of_several_branches_the_one_with_most_tasks_is_taken_and_a_shared_task_is_looked_at_a_bounded_number_of_times()
    {
        // a -> b -> e, and a -> c -> d -> e: the second is longer; e is reached from both
        var graph = new Dictionary<string, string[]> { ["a"] = ["b", "c"], ["b"] = ["e"], ["c"] = ["d"], ["d"] = ["e"] };
        var asked = new List<string>();

        var paths = CriticalPath.Of(["e", "d", "c", "b", "a"], id => { asked.Add(id); return graph.GetValueOrDefault(id, []); }, id => new TaskType(id));

        paths.After("a").ShouldBe(["c", "d", "e"]);
        paths.After("b").ShouldBe(["e"]);
        asked.Count.ShouldBeLessThanOrEqualTo(2 * 5); // each task's dependents asked at most twice, not once per path
    }

    [Fact]
    public void The_types_on_the_path_are_counted_in_the_order_first_met()
    {
        // a -> b1 -> c -> b2 -> d
        var paths = Paths(new() { ["a"] = ["b1"], ["b1"] = ["c"], ["c"] = ["b2"], ["b2"] = ["d"] }, "a", "b1", "c", "b2", "d");
        paths.TypesAfter("a").ShouldBe([new TypeCount(new TaskType("b"), 2), new TypeCount(new TaskType("c"), 1), new TypeCount(new TaskType("d"), 1)]);
    }

    [Fact]
    public void A_chain_a_hundred_thousand_deep_is_walked_without_running_out_of_stack_and_counted_up_to_the_cap()
    {
        var ids = Enumerable.Range(0, 100_000).Select(i => $"t{i}").ToArray();
        var paths = CriticalPath.Of(ids, id => id == ids[^1] ? [] : [$"t{int.Parse(id[1..]) + 1}"], _ => new TaskType("T"));

        paths.After("t0").Count().ShouldBe(99_999);
        paths.TypesAfter("t0").ShouldBe([new TypeCount(new TaskType("T"), CriticalPath.MaxCounted)]);
        paths.TypesAfter("t99998").ShouldBe([new TypeCount(new TaskType("T"), 1)]);
    }

    [Fact]
    public void The_line_estimate_is_the_task_s_expected_time_less_twice_the_path_after_it_as_learned_now()
    {
        var learned = new Dictionary<string, double> { ["big"] = 5_000, ["small"] = 50 };
        double? Expected(TaskType type) => learned.TryGetValue(type.Name, out var ms) ? ms : null;
        TypeCount Of(string type, int count) => new(new TaskType(type), count);

        CriticalPath.LineEstimateMs(new TaskType("small"), [], Expected).ShouldBe(50);
        CriticalPath.LineEstimateMs(new TaskType("small"), [Of("big", 1), Of("small", 3)], Expected).ShouldBe(50 - 2 * (5_000 + 3 * 50));
        CriticalPath.LineEstimateMs(new TaskType("small"), [Of("new", 4)], Expected).ShouldBe(50); // an unknown type after it counts as 0
        CriticalPath.LineEstimateMs(new TaskType("new"), [Of("big", 1)], Expected).ShouldBeNull(); // unknown itself: the line puts it after the known
        CriticalPath.LineEstimateMs(new TaskType("small"), [Of("big", 1)], Expected, weight: 0).ShouldBe(50);
    }
}
