using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosts;
using TaskAffinity.Cluster.Serialization;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;
using AkkaSerialization = Akka.Serialization.Serialization;
using AkkaSerializer = Akka.Serialization.Serializer;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace TaskAffinity.Cluster.Tests.Serialization;

/// <summary>
/// The real hocon/serialization.conf on a cluster-provider system (so actor references carry an address):
/// every message, event and snapshot goes through our serializer and comes back unchanged.
/// </summary>
public sealed class SerializationSpec : Akka.TestKit.Xunit2.TestKit
{
    public SerializationSpec() : base(Config(), "serialization-spec")
    {
    }

    internal static Config Config() =>
        ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            """)
        .WithFallback(ConfigurationFactory.ParseString(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hocon", "serialization.conf"))));

    private static IReadOnlyList<Type> MessageTypes() =>
        typeof(ITaskAffinityMessage).Assembly.GetTypes()
            .Where(t => typeof(ITaskAffinityMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();

    private AkkaSerializer Serializer => Sys.Serialization.FindSerializerForType(typeof(ITaskAffinityMessage));

    private (object Back, byte[] Bytes, byte[] Again) RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        serializer.ShouldBeOfType<TaskAffinitySerializer>($"{message.GetType().Name} is not written by our serializer");
        var manifest = AkkaSerialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        back.ShouldNotBeNull();
        back.GetType().ShouldBe(message.GetType());
        return (back, bytes, serializer.ToBinary(back));
    }

    [Fact]
    public void Every_message_and_event_type_round_trips()
    {
        var probe = CreateTestProbe("slot");
        var failures = new List<string>();
        var comparedWhole = 0;
        foreach (var message in SampleMessages.All(probe.Ref))
        {
            var (back, bytes, again) = RoundTrip(message);
            if (!bytes.AsSpan().SequenceEqual(again))
                failures.Add($"{message.GetType().Name}:\n  sent  {Encoding.UTF8.GetString(bytes)}\n  again {Encoding.UTF8.GetString(again)}");
            if (!ComparesStructurally(message.GetType())) continue;
            comparedWhole++;
            if (!back.Equals(message))
                failures.Add($"{message.GetType().Name}: {back} != {message}");
        }
        failures.ShouldBeEmpty(string.Join("\n", failures));
        comparedWhole.ShouldBeGreaterThan(15);
    }

    /// <summary>Records whose fields all have value equality (no immutable collections, no task specs inside).</summary>
    /// <summary>Record equality is structural only if no property, however deeply nested, holds an immutable collection or an actor ref.</summary>
    private static bool ComparesStructurally(Type type, int depth = 0) =>
        depth < 4 && type.GetProperties().All(p => p.PropertyType.Namespace != "System.Collections.Immutable"
                                      && p.PropertyType != typeof(IActorRef)
                                      && (p.PropertyType.Namespace?.StartsWith("TaskAffinity") != true || p.PropertyType.IsEnum
                                          || ComparesStructurally(p.PropertyType, depth + 1)));

    [Fact]
    public void Round_tripped_fields_keep_their_values()
    {
        var probe = CreateTestProbe("slot");
        var samples = SampleMessages.All(probe.Ref);
        T Back<T>() => (T)RoundTrip(samples.OfType<T>().Single()!).Back;

        var accepted = Back<ChainAccepted>();
        accepted.AcceptedAt.ShouldBe(SampleMessages.At);
        accepted.AcceptedAt.Offset.ShouldBe(TimeSpan.FromHours(2));
        accepted.Tasks.Select(t => t.Id).ShouldBe(["create-1", "create-2", "copy-1"]);
        var copy = accepted.Tasks[2];
        copy.Type.ShouldBe(new TaskType("SnapshotCopy"));
        copy.DependsOn.ShouldBe(["create-1", "create-2"]);
        copy.Inputs.ShouldBe([new DataRef("block/17", 4096), new DataRef("object/a", 123_456_789)]);
        copy.Resources.ShouldBe(new ResourceVector(1.5, 512, 40, 80, 1));
        copy.EstimatedDuration.ShouldBe(TimeSpan.FromMilliseconds(1234.5));
        copy.Payload.ShouldBe("""{"from":"a","to":"b"}""");
        copy.Handler.ShouldBe("Snapshots.Copy");

        var finished = Back<TaskFinished>();
        finished.Outcome.Duration.ShouldBe(TimeSpan.FromSeconds(3));
        finished.Outcome.Error.ShouldBe("disk full");
        finished.Outcome.Succeeded.ShouldBeFalse();
        Back<TaskRan>().Outcome.Succeeded.ShouldBeTrue();

        var status = Back<ChainStatus>();
        status.Phase.ShouldBe(ChainPhase.Failed);
        status.Tasks[1].Phase.ShouldBe(TaskPhase.Failed);
        status.Tasks[0].Error.ShouldBeNull();

        var failed = Back<TaskFailed>();
        failed.Final.ShouldBeTrue();
        failed.LatencyMs.ShouldBe(150.75);

        var rejected = Back<Rejected>();
        rejected.Problems.Length.ShouldBe(2);
        rejected.Problems[1].TaskId.ShouldBeNull();
        rejected.Reason.ShouldBe("task 'copy-1' dependsOn: cycle; tasks: empty");

        var snapshot = Back<ChainSnapshot>();
        snapshot.Records["create-2"].ShouldBe(SampleMessages.Records["create-2"]);
        snapshot.Records.Count.ShouldBe(3);
        snapshot.Phase.ShouldBe(ChainPhase.Failed);

        var row = Back<ChainBookProtocol.ChainsWritten>();
        row.Accepted.ShouldHaveSingleItem().Tasks.Length.ShouldBe(SampleMessages.Tasks.Length);
        row.Checkpoints.ShouldHaveSingleItem().Succeeded.ShouldHaveSingleItem().TaskId.ShouldBe("view-1");
        Back<ChainBookProtocol.ChainBookSnapshot>().Chains.ShouldHaveSingleItem().Records.Count.ShouldBe(3);

        var online = Back<SlotOnline>();
        online.Slot.Path.ShouldBe(probe.Ref.Path);
        online.Slot.ShouldBe(probe.Ref);
        online.ServedTypes.SetEquals(SampleMessages.Served).ShouldBeTrue();
        online.HostCapacity.ShouldBe(SampleMessages.Capacity);

        var worker = Back<WorkerState>();
        worker.Token.ShouldBe(SampleMessages.Token);
        worker.Token.LastTaskType.ShouldBe(new TaskType("SnapshotCopy"));
        worker.Completed.ShouldBe(42);
        worker.Failed.ShouldBe(7);

        Back<HostState>().Lifecycle.ShouldBe(HostLifecycle.Warming);
        Back<HostProtocol.HostStatus>().Lifecycle.ShouldBe(HostLifecycle.Draining);
    }

    [Fact]
    public void An_empty_worker_token_round_trips_with_no_last_task_type()
    {
        var state = WorkerState.Empty("host-a/0");
        var back = (WorkerState)RoundTrip(state).Back;
        back.Token.LastTaskType.ShouldBeNull();
        back.ServedTypes.ShouldBeEmpty();
        back.IsRegistered.ShouldBeFalse();
    }

    [Fact]
    public void Every_message_type_has_a_manifest_and_a_sample()
    {
        var sampled = SampleMessages.All(CreateTestProbe().Ref).Select(m => m.GetType()).ToHashSet();
        var types = MessageTypes();
        types.Count.ShouldBeGreaterThan(30);

        var withoutManifest = types.Where(t => !Manifests.ByType.ContainsKey(t)).Select(t => t.FullName).ToList();
        withoutManifest.ShouldBeEmpty($"add these to Manifests: {string.Join(", ", withoutManifest)}");
        var withoutSample = types.Where(t => !sampled.Contains(t)).Select(t => t.FullName).ToList();
        withoutSample.ShouldBeEmpty($"add samples of these to SampleMessages: {string.Join(", ", withoutSample)}");

        Manifests.ByType.Keys.ShouldAllBe(t => typeof(ITaskAffinityMessage).IsAssignableFrom(t));
        Manifests.ByType.Values.Distinct(StringComparer.Ordinal).Count().ShouldBe(Manifests.ByType.Count, "manifests must be unique");
        foreach (var (type, manifest) in Manifests.ByType)
            Manifests.ByManifest[manifest].ShouldBe(type);
    }

    [Fact]
    public void Every_message_type_is_bound_to_our_serializer_in_hocon()
    {
        var serializer = Serializer.ShouldBeOfType<TaskAffinitySerializer>();
        serializer.Identifier.ShouldBe(7341);
        foreach (var type in MessageTypes())
            Sys.Serialization.FindSerializerForType(type).ShouldBeOfType<TaskAffinitySerializer>($"{type.Name} is not bound to the TaskAffinity serializer");
    }

    [Fact]
    public void An_unknown_manifest_is_rejected_naming_the_manifest()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"chainId":"c"}""");
        var error = Should.Throw<SerializationException>(() => Sys.Serialization.Deserialize(bytes, Serializer.Identifier, "chain.ev.renamed"));
        error.Message.ShouldContain("'chain.ev.renamed'");
    }

    [Fact]
    public void An_unregistered_message_type_is_refused_naming_the_type()
    {
        var stray = new StrayMessage("lost");
        var serializer = Sys.Serialization.FindSerializerFor(stray).ShouldBeOfType<TaskAffinitySerializer>();
        var error = Should.Throw<SerializationException>(() => serializer.ToBinary(stray));
        error.Message.ShouldContain(typeof(StrayMessage).FullName!);
        Should.Throw<SerializationException>(() => serializer.Manifest(stray)).Message.ShouldContain(typeof(StrayMessage).FullName!);
    }

    [Fact]
    public void A_stored_event_with_an_unknown_field_and_missing_optional_fields_is_read()
    {
        // Written by a newer node (an extra field, at both levels) and an older one (optional task fields left out).
        var json = """
            {"chainId":"chain-9","appId":"app-9","priority":5,
             "tasks":[{"id":"a","type":"SnapshotCreate","colour":"red"},
                      {"id":"b","type":"SnapshotCopy","dependsOn":["a"]}],
             "acceptedAt":"2024-05-17T13:45:12.345+02:00"}
            """;
        var accepted = (ChainAccepted)Sys.Serialization.Deserialize(Encoding.UTF8.GetBytes(json), Serializer.Identifier, "chain.ev.accepted");

        accepted.ChainId.ShouldBe("chain-9");
        accepted.AcceptedAt.ShouldBe(SampleMessages.At);
        var a = accepted.Tasks[0];
        a.DependsOn.IsDefault.ShouldBeFalse();
        a.DependsOn.ShouldBeEmpty();
        a.Inputs.IsDefault.ShouldBeFalse();
        a.Inputs.ShouldBeEmpty();
        a.Handler.ShouldBe("");
        a.Resources.ShouldBe(ResourceVector.Zero);
        a.EstimatedDuration.ShouldBe(TimeSpan.Zero);
        accepted.Tasks[1].DependsOn.ShouldBe(["a"]);

        var state = ChainState.Empty("chain-9").Apply(accepted);
        state.ReadyTasks().Select(t => t.Id).ShouldBe(["a"]);
    }

    [Fact]
    public void A_stored_outcome_without_a_field_added_later_takes_its_default()
    {
        var json = """{"chainId":"c","taskId":"t","attempt":2,"workerId":"w","output":"o","runMs":5.5}""";
        var succeeded = (TaskSucceeded)Sys.Serialization.Deserialize(Encoding.UTF8.GetBytes(json), Serializer.Identifier, "chain.ev.task-succeeded");
        succeeded.ShouldBe(new TaskSucceeded("c", "t", 2, "w", "o", 5.5, 0));
    }

    [Fact]
    public void Enums_and_task_types_are_written_as_readable_names()
    {
        var text = Encoding.UTF8.GetString(Serializer.ToBinary(new ChainFinishedEvent("c", ChainPhase.Completed, SampleMessages.At)));
        text.ShouldContain("\"phase\":\"Completed\"");
        var worker = Encoding.UTF8.GetString(Serializer.ToBinary(new WorkerRegistered("h/0", "h", [SampleMessages.Copy], ResourceVector.Zero)));
        worker.ShouldContain("\"servedTypes\":[\"SnapshotCopy\"]");
    }

    private sealed record StrayMessage(string Text) : ITaskAffinityMessage;
}
