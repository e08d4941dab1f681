using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Placement;

public class CriticalPathSpec
{
    /// <summary>The path after a task in a graph given as "task: the tasks that depend on it".</summary>
    private static List<string> After(string task, Dictionary<string, string[]> dependents) =>
        CriticalPath.After(task, id => dependents.GetValueOrDefault(id, []));

    [Fact]
    public void Nothing_follows_a_task_nothing_depends_on()
    {
        After("a", []).ShouldBeEmpty();
    }

    [Fact]
    public void A_line_is_the_rest_of_the_line_after_the_task()
    {
        var line = new Dictionary<string, string[]> { ["a"] = ["b"], ["b"] = ["c"] };
        After("a", line).ShouldBe(["b", "c"]);
        After("b", line).ShouldBe(["c"]);
    }

    [Fact]
    public void Of_several_branches_the_one_with_most_tasks_is_taken_and_a_shared_task_is_looked_at_once()
    {
        // a -> b -> e, and a -> c -> d -> e: the second is longer; e is reached from both
        var graph = new Dictionary<string, string[]> { ["a"] = ["b", "c"], ["b"] = ["e"], ["c"] = ["d"], ["d"] = ["e"] };
        var asked = new List<string>();

        CriticalPath.After("a", id => { asked.Add(id); return graph.GetValueOrDefault(id, []); }).ShouldBe(["c", "d", "e"]);
        asked.Distinct().Count().ShouldBe(5);
        asked.Count.ShouldBeLessThanOrEqualTo(2 * 5 + 3); // each task's dependents asked a bounded number of times, not once per path
    }

    [Fact]
    public void A_chain_a_hundred_thousand_deep_is_walked_without_running_out_of_stack()
    {
        var deep = Enumerable.Range(0, 100_000).ToDictionary(i => $"t{i}", i => i < 99_999 ? new[] { $"t{i + 1}" } : []);
        After("t0", deep).Count.ShouldBe(99_999);
    }

    [Fact]
    public void The_line_estimate_is_the_task_s_expected_time_less_twice_the_path_after_it_as_learned_now()
    {
        var learned = new Dictionary<string, double> { ["big"] = 5_000, ["small"] = 50 };
        double? Expected(TaskType type) => learned.TryGetValue(type.Name, out var ms) ? ms : null;

        CriticalPath.LineEstimateMs(new TaskType("small"), [], Expected).ShouldBe(50);
        CriticalPath.LineEstimateMs(new TaskType("small"), [new TaskType("big"), new TaskType("small")], Expected).ShouldBe(50 - 2 * 5_050);
        CriticalPath.LineEstimateMs(new TaskType("small"), [new TaskType("new")], Expected).ShouldBe(50); // an unknown type after it counts as 0
        CriticalPath.LineEstimateMs(new TaskType("new"), [new TaskType("big")], Expected).ShouldBeNull(); // unknown itself: the line puts it after the known
        CriticalPath.LineEstimateMs(new TaskType("small"), [new TaskType("big")], Expected, weight: 0).ShouldBe(50);
    }
}
