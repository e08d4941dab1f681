using System.Text;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Serialization;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Cluster.Tests.Serialization;

/// <summary>Task specs as the cluster writes them (defaults left out) and reads them (that form and the full one).</summary>
public sealed class TaskSpecJsonSpec : TestKit
{
    public TaskSpecJsonSpec() : base(SerializationSpec.Config(), "task-spec-json-spec")
    {
    }

    private TaskAffinitySerializer Serializer => (TaskAffinitySerializer)Sys.Serialization.FindSerializerForType(typeof(ITaskAffinityMessage));

    private static ChainAccepted Accepted(params TaskSpec[] tasks) => new("chain-1", "app-1", [.. tasks], new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));

    private static void ShouldMatch(TaskSpec actual, TaskSpec expected)
    {
        actual.ShouldBe(expected with { Inputs = actual.Inputs, DependsOn = actual.DependsOn });
        actual.Inputs.ShouldBe(expected.Inputs);
        actual.DependsOn.ShouldBe(expected.DependsOn);
    }

    [Fact]
    public void A_plain_task_is_written_with_its_id_and_type_only_and_reads_back_the_same()
    {
        var plain = new TaskSpec { Id = "t1", Type = "Step" };
        var bytes = Serializer.ToBinary(Accepted(plain));
        Encoding.UTF8.GetString(bytes).ShouldContain("""{"id":"t1","type":"Step"}""");
        var back = (ChainAccepted)Serializer.FromBinary(bytes, Serializer.Manifest(Accepted(plain)));
        ShouldMatch(back.Tasks.ShouldHaveSingleItem(), plain);
    }

    [Fact]
    public void A_task_with_every_field_set_reads_back_the_same()
    {
        var bytes = Serializer.ToBinary(Accepted(SampleMessages.Spec));
        var back = (ChainAccepted)Serializer.FromBinary(bytes, "chain.ev.accepted");
        ShouldMatch(back.Tasks.ShouldHaveSingleItem(), SampleMessages.Spec);
    }

    [Fact]
    public void The_full_form_older_nodes_wrote_still_reads()
    {
        const string older = """
            {"chainId":"chain-1","appId":"app-1","tasks":[{"id":"copy-1","type":"SnapshotCopy","handler":"Snapshots.Copy",
            "inputSchema":"schema:in/v1","outputSchema":"schema:out/v2","inputs":[{"key":"block/17","sizeBytes":4096},{"key":"object/a","sizeBytes":123456789}],
            "resources":{"cpu":1.5,"memoryMb":512,"ioMbps":40,"networkMbps":80,"gpu":1},"estimatedDuration":"00:00:01.2345000",
            "payload":"{\"from\":\"a\",\"to\":\"b\"}","dependsOn":["create-1","create-2"],"payloadBytes":21,"inputBytes":123460885,
            "handlerName":"Snapshots.Copy"}],"acceptedAt":"2026-11-24T09:00:00+00:00"}
            """;
        var back = (ChainAccepted)Serializer.FromBinary(Encoding.UTF8.GetBytes(older), "chain.ev.accepted");
        ShouldMatch(back.Tasks.ShouldHaveSingleItem(), SampleMessages.Spec);
    }

    [Fact]
    public void A_task_without_an_id_is_refused_naming_the_field()
    {
        var error = Should.Throw<Exception>(() => Serializer.FromBinary(
            Encoding.UTF8.GetBytes("""{"chainId":"c","appId":"a","tasks":[{"type":"Step"}],"acceptedAt":"2026-11-24T09:00:00+00:00"}"""), "chain.ev.accepted"));
        (error.Message + error.InnerException?.Message).ShouldContain("'id'");
    }

    [Fact]
    public void The_converter_knows_every_field_of_a_task_spec()
    {
        // A field added to TaskSpec must be added to TaskSpecJsonConverter too, or messages and rows would drop it.
        typeof(TaskSpec).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order().ShouldBe(
            ["DependsOn", "EstimatedDuration", "Handler", "Id", "InputSchema", "Inputs", "Payload", "OutputSchema", "Resources", "Type"], ignoreOrder: true);
    }
}
