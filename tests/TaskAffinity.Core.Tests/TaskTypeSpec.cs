using System.Text.Json;
using Shouldly;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests;

public class TaskTypeSpec
{
    private sealed record Envelope(TaskType Type, TaskType? Previous);

    [Fact]
    public void Task_type_serializes_as_a_bare_string_and_reads_back()
    {
        TaskType type = "SnapshotCreate";

        var json = JsonSerializer.Serialize(type);
        var back = JsonSerializer.Deserialize<TaskType>(json);

        json.ShouldBe("\"SnapshotCreate\"");
        back.ShouldBe(type);
    }

    [Fact]
    public void Task_type_inside_an_object_is_a_bare_string_property()
    {
        var envelope = new Envelope("Compress", "SnapshotCreate");

        var json = JsonSerializer.Serialize(envelope);
        var back = JsonSerializer.Deserialize<Envelope>(json);

        json.ShouldBe("{\"Type\":\"Compress\",\"Previous\":\"SnapshotCreate\"}");
        back.ShouldBe(envelope);
    }

    [Fact]
    public void Task_type_round_trips_as_a_dictionary_key()
    {
        var learned = new Dictionary<TaskType, int> { ["SnapshotCreate"] = 3, ["Compress"] = 5 };

        var json = JsonSerializer.Serialize(learned);
        var back = JsonSerializer.Deserialize<Dictionary<TaskType, int>>(json)!;

        json.ShouldBe("{\"SnapshotCreate\":3,\"Compress\":5}");
        back.Count.ShouldBe(2);
        back[new TaskType("SnapshotCreate")].ShouldBe(3);
        back[new TaskType("Compress")].ShouldBe(5);
    }

    [Fact]
    public void Task_spec_round_trips_through_json_with_its_type_as_a_string()
    {
        var spec = Specs.Task("b", type: "Compress", resources: Specs.Resources(cpu: 1.5, memoryMb: 512), dependsOn: "a")
            with { Inputs = [new DataRef("block-7", 4096)], Payload = "{\"level\":9}" };
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var json = JsonSerializer.Serialize(spec, options);
        var back = JsonSerializer.Deserialize<TaskSpec>(json, options)!;

        json.ShouldContain("\"type\":\"Compress\"");
        back.Id.ShouldBe("b");
        back.Type.ShouldBe(new TaskType("Compress"));
        back.Resources.ShouldBe(spec.Resources);
        back.DependsOn.ShouldBe(["a"]);
        back.Inputs.ShouldBe(spec.Inputs);
        back.Payload.ShouldBe(spec.Payload);
    }

    [Theory]
    [InlineData("SnapshotCreate", true)]
    [InlineData("snapshot.create-v2_final", true)]
    [InlineData("x", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("a/b", false)]
    public void Type_names_are_plain_identifiers(string? name, bool valid)
    {
        TaskType.IsValidName(name).ShouldBe(valid);
    }

    [Fact]
    public void Task_types_compare_ordinally()
    {
        new TaskType("Compress").ShouldBe(new TaskType("Compress"));
        new TaskType("Compress").ShouldNotBe(new TaskType("compress"));
        new TaskType("Compress").ToString().ShouldBe("Compress");
        default(TaskType).ToString().ShouldBe("");
    }
}
