using Shouldly;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests;

/// <summary>Field-level checks of single tasks, as reported by <see cref="TaskGraph.TryCreate"/>.</summary>
public class TaskSpecRulesSpec
{
    [Theory]
    [InlineData("cpu")]
    [InlineData("memoryMb")]
    [InlineData("ioMbps")]
    [InlineData("networkMbps")]
    [InlineData("gpu")]
    public void Negative_resource_is_rejected_naming_the_dimension(string dimension)
    {
        var resources = dimension switch
        {
            "cpu" => Specs.Resources(cpu: -0.5),
            "memoryMb" => Specs.Resources(memoryMb: -0.5),
            "ioMbps" => Specs.Resources(ioMbps: -0.5),
            "networkMbps" => Specs.Resources(networkMbps: -0.5),
            _ => Specs.Resources(gpu: -0.5),
        };

        var result = TaskGraph.TryCreate([Specs.Task("a", resources: resources)]);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe($"resources.{dimension}");
        problem.Message.ShouldContain("-0.5");
    }

    [Fact]
    public void NaN_and_infinite_resources_are_rejected()
    {
        var result = TaskGraph.TryCreate([Specs.Task("a", resources: Specs.Resources(cpu: double.NaN, gpu: double.PositiveInfinity))]);

        result.IsValid.ShouldBeFalse();
        result.Problems.Select(p => p.Field).ShouldBe(["resources.cpu", "resources.gpu"], ignoreOrder: true);
        result.Problems.ShouldAllBe(p => p.TaskId == "a");
    }

    [Fact]
    public void Negative_estimated_duration_is_rejected()
    {
        var task = Specs.Task("a") with { EstimatedDuration = TimeSpan.FromSeconds(-3) };

        var result = TaskGraph.TryCreate([task]);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe("estimatedDuration");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Snapshot Create")]
    [InlineData("snapshot/create")]
    public void Invalid_type_name_is_rejected_naming_the_type_field(string typeName)
    {
        var result = TaskGraph.TryCreate([Specs.Task("a", type: typeName)]);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe("type");
        problem.Message.ShouldContain($"'{typeName}'");
    }

    [Fact]
    public void Type_name_longer_than_128_characters_is_rejected_and_128_is_accepted()
    {
        TaskGraph.TryCreate([Specs.Task("a", type: new string('x', 128))]).IsValid.ShouldBeTrue();

        var problem = TaskGraph.TryCreate([Specs.Task("a", type: new string('x', 129))]).Problems.ShouldHaveSingleItem();
        problem.Field.ShouldBe("type");
    }

    [Fact]
    public void Empty_input_key_is_rejected_naming_the_input_index()
    {
        var task = Specs.Task("a") with { Inputs = [new DataRef("block-1", 10), new DataRef(" ", 10)] };

        var result = TaskGraph.TryCreate([task]);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBe("a");
        problem.Field.ShouldBe("inputs[1].key");
    }

    [Fact]
    public void Empty_first_input_key_and_negative_size_name_inputs_0_fields()
    {
        var emptyKey = Specs.Task("a") with { Inputs = [new DataRef("", 10)] };
        var negativeSize = Specs.Task("b") with { Inputs = [new DataRef("block-1", -1)] };

        var result = TaskGraph.TryCreate([emptyKey, negativeSize]);

        result.Problems.Length.ShouldBe(2);
        result.Problems.ShouldContain(p => p.TaskId == "a" && p.Field == "inputs[0].key");
        result.Problems.ShouldContain(p => p.TaskId == "b" && p.Field == "inputs[0].sizeBytes" && p.Message.Contains("-1"));
    }

    [Fact]
    public void Empty_task_id_is_rejected_without_a_task_id()
    {
        var result = TaskGraph.TryCreate([Specs.Task("a"), Specs.Task("  ")]);

        var problem = result.Problems.ShouldHaveSingleItem();
        problem.TaskId.ShouldBeNull();
        problem.Field.ShouldBe("id");
    }
}
