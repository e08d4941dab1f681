using Shouldly;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests;

public class TaskGraphSpec
{
    [Fact]
    public void Valid_dag_is_accepted_with_submission_order_kept_and_dependents_known()
    {
        // arrange: a diamond, submitted in a non-alphabetical order
        var tasks = new[]
        {
            Specs.Task("root"),
            Specs.Task("right", dependsOn: "root"),
            Specs.Task("left", dependsOn: "root"),
            Specs.Task("join", dependsOn: ["left", "right"]),
        };

        // act
        var result = TaskGraph.TryCreate(tasks);

        // assert
        result.IsValid.ShouldBeTrue(string.Join("; ", result.Problems));
        result.Problems.ShouldBeEmpty();
        var graph = result.Graph!;
        graph.Tasks.Select(t => t.Id).ShouldBe(["root", "right", "left", "join"]);
        graph.Count.ShouldBe(4);
        graph.DependentsOf("root").ShouldBe(["right", "left"]);
        graph.DependentsOf("left").ShouldBe(["join"]);
        graph.DependentsOf("right").ShouldBe(["join"]);
        graph.DependentsOf("join").ShouldBeEmpty();
        graph.Contains("left").ShouldBeTrue();
        graph.Contains("missing").ShouldBeFalse();
        graph["join"].DependsOn.ShouldBe(["left", "right"]);
    }

    [Fact]
    public void Null_task_list_is_rejected_naming_the_tasks_field()
    {
        var result = TaskGraph.TryCreate(null);

        result.IsValid.ShouldBeFalse();
        result.Graph.ShouldBeNull();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("tasks");
        problem.TaskId.ShouldBeNull();
        problem.Message.ShouldContain("empty");
    }

    [Fact]
    public void Empty_task_list_is_rejected_naming_the_tasks_field()
    {
        var result = TaskGraph.TryCreate([]);

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("tasks");
        problem.Message.ShouldContain("empty");
    }

    [Fact]
    public void Duplicate_id_is_rejected_naming_the_id_and_field()
    {
        var result = TaskGraph.TryCreate([Specs.Task("a"), Specs.Task("b"), Specs.Task("a")]);

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe("id");
        problem.Message.ShouldContain("'a'");
    }

    [Fact]
    public void Dependency_on_a_missing_task_is_rejected_naming_the_task_the_field_and_the_missing_id()
    {
        var result = TaskGraph.TryCreate([Specs.Task("a"), Specs.Task("b", dependsOn: ["a", "ghost"])]);

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("b");
        problem.Field.ShouldBe("dependsOn");
        problem.Message.ShouldContain("'ghost'");
    }

    [Fact]
    public void Chain_with_a_cycle_is_rejected_with_the_cycle_named()
    {
        // arrange: a -> b -> c -> a (b runs after a, c after b, a after c)
        var tasks = new[] { Specs.Task("a", dependsOn: "c"), Specs.Task("b", dependsOn: "a"), Specs.Task("c", dependsOn: "b") };

        // act
        var result = TaskGraph.TryCreate(tasks);

        // assert: one problem naming all three, in execution order (any rotation of a -> b -> c)
        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("dependsOn");
        problem.Message.ShouldContain("cycle");
        problem.Message.ShouldContain("'a'");
        problem.Message.ShouldContain("'b'");
        problem.Message.ShouldContain("'c'");
        new[] { "'a' -> 'b' -> 'c' -> 'a'", "'b' -> 'c' -> 'a' -> 'b'", "'c' -> 'a' -> 'b' -> 'c'" }
            .ShouldContain(rotation => problem.Message.Contains(rotation));
        new[] { "a", "b", "c" }.ShouldContain(problem.TaskId!);
    }

    [Fact]
    public void Self_dependency_is_reported_as_a_cycle_and_not_as_a_missing_task()
    {
        var result = TaskGraph.TryCreate([Specs.Task("a"), Specs.Task("loop", dependsOn: "loop")]);

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("loop");
        problem.Field.ShouldBe("dependsOn");
        problem.Message.ShouldContain("cycle");
        problem.Message.ShouldContain("'loop' -> 'loop'");
    }

    [Fact]
    public void Two_separate_cycles_are_both_reported()
    {
        var tasks = new[]
        {
            Specs.Task("a1", dependsOn: "a2"), Specs.Task("a2", dependsOn: "a1"),
            Specs.Task("ok"),
            Specs.Task("b1", dependsOn: "b3"), Specs.Task("b2", dependsOn: "b1"), Specs.Task("b3", dependsOn: "b2"),
        };

        var result = TaskGraph.TryCreate(tasks);

        result.IsValid.ShouldBeFalse();
        result.Problems.Count().ShouldBe(2);
        result.Problems.ShouldAllBe(p => p.Field == "dependsOn" && p.Message.Contains("cycle"));
        result.Problems.ShouldContain(p => p.Message.Contains("'a1'") && p.Message.Contains("'a2'") && !p.Message.Contains("'b1'"));
        result.Problems.ShouldContain(p => p.Message.Contains("'b1'") && p.Message.Contains("'b2'") && p.Message.Contains("'b3'") && !p.Message.Contains("'a1'"));
        result.Problems.ShouldNotContain(p => p.Message.Contains("'ok'"));
    }

    [Fact]
    public void Task_downstream_of_a_cycle_is_not_reported_as_its_own_cycle()
    {
        // arrange: "after" and "later" depend on the cycle x <-> y, and are listed first so the walk starts there
        var tasks = new[]
        {
            Specs.Task("later", dependsOn: "after"),
            Specs.Task("after", dependsOn: "x"),
            Specs.Task("x", dependsOn: "y"),
            Specs.Task("y", dependsOn: "x"),
        };

        var result = TaskGraph.TryCreate(tasks);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Message.ShouldContain("'x'");
        problem.Message.ShouldContain("'y'");
        problem.Message.ShouldNotContain("'after'");
        problem.Message.ShouldNotContain("'later'");
        problem.TaskId.ShouldBeOneOf("x", "y");
    }

    [Fact]
    public void Every_problem_is_returned_at_once()
    {
        // arrange: a duplicate id, a negative resource and a missing dependency, in different tasks
        var tasks = new[]
        {
            Specs.Task("a"),
            Specs.Task("a"),
            Specs.Task("b", resources: Specs.Resources(cpu: -1)),
            Specs.Task("c", dependsOn: "ghost"),
        };

        // act
        var result = TaskGraph.TryCreate(tasks);

        // assert
        result.IsValid.ShouldBeFalse();
        result.Problems.Length.ShouldBe(3, string.Join("; ", result.Problems));
        result.Problems.ShouldContain(p => p.TaskId == "a" && p.Field == "id");
        result.Problems.ShouldContain(p => p.TaskId == "b" && p.Field == "resources.cpu");
        result.Problems.ShouldContain(p => p.TaskId == "c" && p.Field == "dependsOn" && p.Message.Contains("'ghost'"));
    }

    [Fact]
    public void Long_linear_chain_of_20000_tasks_validates_without_stack_overflow()
    {
        var tasks = Specs.LinearChain(20_000);

        var result = TaskGraph.TryCreate(tasks);

        result.IsValid.ShouldBeTrue(string.Join("; ", result.Problems.Take(5)));
        result.Graph!.Count.ShouldBe(20_000);
        result.Graph.DependentsOf("t0").ShouldBe(["t1"]);
        result.Graph.DependentsOf("t19999").ShouldBeEmpty();
    }

    [Fact]
    public void Cycle_20000_tasks_long_is_found()
    {
        // arrange: the linear chain closed by making t0 depend on the last task
        var tasks = Specs.LinearChain(20_000);
        tasks[0] = Specs.Task("t0", dependsOn: "t19999");

        var result = TaskGraph.TryCreate(tasks);

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("dependsOn");
        problem.Message.ShouldContain("cycle");
        problem.Message.ShouldContain("'t19999' -> 't0'");
        problem.Message.ShouldContain("'t9999' -> 't10000'");
    }

    [Fact]
    public void Rebuilding_from_validated_tasks_gives_the_same_graph()
    {
        var original = TaskGraph.TryCreate([Specs.Task("a"), Specs.Task("b", dependsOn: "a")]).Graph!;

        var rebuilt = TaskGraph.FromValidated(original.Tasks);

        rebuilt.Tasks.ShouldBe(original.Tasks);
        rebuilt.DependentsOf("a").ShouldBe(["b"]);
    }

    // The two tests below document bugs in src (reported to the lead); unskip once fixed.

    [Fact]
    public void Task_with_a_default_dependency_list_is_accepted_as_having_no_dependencies()
    {
        var task = Specs.Task("a") with { DependsOn = default };

        var result = TaskGraph.TryCreate([task, Specs.Task("b")]);

        result.IsValid.ShouldBeTrue(string.Join("; ", result.Problems));
        result.Graph!.DependentsOf("a").ShouldBeEmpty();
    }

    [Fact]
    public void Null_dependency_id_is_reported_as_a_problem_not_thrown()
    {
        // reachable from a submission such as {"id":"a","type":"SnapshotCreate","dependsOn":[null]}
        var task = Specs.Task("a", dependsOn: [null!]);

        var result = TaskGraph.TryCreate([task]);

        result.IsValid.ShouldBeFalse();
        result.Problems.ShouldContain(p => p.TaskId == "a" && p.Field == "dependsOn");
    }
}
