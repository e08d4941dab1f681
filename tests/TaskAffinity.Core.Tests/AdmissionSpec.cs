using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests;

public class AdmissionSpec
{
    private static readonly ResourceVector BigHost = Specs.Resources(cpu: 16, memoryMb: 65_536, ioMbps: 500, networkMbps: 1_000, gpu: 2);

    private static AdmissionRules Rules(int maxTasks = 100, params string[] served) =>
        new(Specs.Types(served.Length == 0 ? [Specs.DefaultType, "Compress"] : served), BigHost, maxTasks);

    [Fact]
    public void Valid_chain_is_accepted_returning_the_graph()
    {
        var tasks = new[]
        {
            Specs.Task("snap", resources: Specs.Resources(cpu: 16, memoryMb: 65_536, gpu: 2)),
            Specs.Task("zip", type: "Compress", dependsOn: "snap"),
        };

        var result = Admission.Check(tasks, Rules());

        result.IsValid.ShouldBeTrue(string.Join("; ", result.Problems));
        result.Problems.ShouldBeEmpty();
        result.Graph!.Tasks.Select(t => t.Id).ShouldBe(["snap", "zip"]);
        result.Graph.DependentsOf("snap").ShouldBe(["zip"]);
    }

    [Fact]
    public void Unknown_task_type_is_rejected_naming_the_type_and_the_served_types()
    {
        var tasks = new[] { Specs.Task("a"), Specs.Task("b", type: "Transcode") };

        var result = Admission.Check(tasks, Rules(served: ["SnapshotCreate", "Compress"]));

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("b");
        problem.Field.ShouldBe("type");
        problem.Message.ShouldContain("'Transcode'");
        problem.Message.ShouldContain("Compress, SnapshotCreate"); // served types, sorted
    }

    [Fact]
    public void Task_type_is_matched_case_sensitively()
    {
        var result = Admission.Check([Specs.Task("a", type: "snapshotcreate")], Rules(served: ["SnapshotCreate"]));

        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("type");
    }

    [Fact]
    public void Unknown_type_says_no_worker_is_online_yet_when_nothing_is_served()
    {
        var rules = new AdmissionRules(ImmutableHashSet<TaskType>.Empty, BigHost, 100);

        var result = Admission.Check([Specs.Task("a")], rules);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe("type");
        problem.Message.ShouldContain("'SnapshotCreate'");
        problem.Message.ShouldContain("no worker is online yet");
    }

    [Fact]
    public void Invalid_type_name_is_reported_once_not_also_as_unserved()
    {
        var result = Admission.Check([Specs.Task("a", type: "not a type")], Rules());

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("type");
        problem.Message.ShouldContain("is not a task type name");
    }

    [Theory]
    [InlineData("cpu", 16.5, "16")]
    [InlineData("memoryMb", 70_000, "65536")]
    [InlineData("ioMbps", 501, "500")]
    [InlineData("networkMbps", 2_000, "1000")]
    [InlineData("gpu", 3, "2")]
    public void Resource_larger_than_the_largest_host_is_rejected_naming_the_dimension_and_the_largest_value(
        string dimension, double requested, string largest)
    {
        var resources = dimension switch
        {
            "cpu" => Specs.Resources(cpu: requested),
            "memoryMb" => Specs.Resources(memoryMb: requested),
            "ioMbps" => Specs.Resources(ioMbps: requested),
            "networkMbps" => Specs.Resources(networkMbps: requested),
            _ => Specs.Resources(gpu: requested),
        };

        var result = Admission.Check([Specs.Task("big", resources: resources)], Rules());

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("big");
        problem.Field.ShouldBe($"resources.{dimension}");
        problem.Message.ShouldContain($"largest: {largest}");
    }

    [Fact]
    public void More_tasks_than_the_chain_limit_are_rejected_with_the_limit_and_the_config_key()
    {
        var tasks = Specs.LinearChain(11);

        var result = Admission.Check(tasks, Rules(maxTasks: 10));

        result.IsValid.ShouldBeFalse();
        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBeNull();
        problem.Field.ShouldBe("tasks");
        problem.Message.ShouldContain("11");
        problem.Message.ShouldContain("limit of 10");
        problem.Message.ShouldContain("taskaffinity.chains.max-tasks");
    }

    [Fact]
    public void Chain_exactly_at_the_limit_is_accepted()
    {
        var result = Admission.Check(Specs.LinearChain(10), Rules(maxTasks: 10));

        result.IsValid.ShouldBeTrue(string.Join("; ", result.Problems));
        result.Graph!.Count.ShouldBe(10);
    }

    [Fact]
    public void Graph_problems_and_cluster_problems_are_reported_together()
    {
        var tasks = new[]
        {
            Specs.Task("a", type: "Transcode"),
            Specs.Task("b", resources: Specs.Resources(gpu: 8), dependsOn: "ghost"),
        };

        var result = Admission.Check(tasks, Rules());

        result.IsValid.ShouldBeFalse();
        result.Problems.Length.ShouldBe(3, string.Join("; ", result.Problems));
        result.Problems.ShouldContain(p => p.TaskId == "a" && p.Field == "type");
        result.Problems.ShouldContain(p => p.TaskId == "b" && p.Field == "resources.gpu");
        result.Problems.ShouldContain(p => p.TaskId == "b" && p.Field == "dependsOn");
    }

    [Fact]
    public void Empty_chain_is_rejected_naming_the_tasks_field()
    {
        var result = Admission.Check(null, Rules());

        result.Problems.ShouldHaveSingleItem().Field.ShouldBe("tasks");
    }
}
