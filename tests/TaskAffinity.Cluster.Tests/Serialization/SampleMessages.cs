using System.Collections.Immutable;
using Akka.Actor;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Prefetch;
using static TaskAffinity.Cluster.Staging.StagingProtocol;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosts;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Cluster.Prediction;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Hosts.HostProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Serialization;

/// <summary>
/// One fully populated instance of every message, event and snapshot type: every field set to a non-default
/// value and every collection non-empty, so a field the serializer drops shows up as a difference.
/// A new message type needs a sample here (SerializationSpec fails until it has one).
/// </summary>
internal static class SampleMessages
{
    public static readonly DateTimeOffset At = new(2024, 5, 17, 13, 45, 12, 345, TimeSpan.FromHours(2));

    public static readonly TaskType Copy = "SnapshotCopy";
    public static readonly TaskType Create = "SnapshotCreate";

    public static readonly ResourceVector Capacity = new(16, 32768, 750, 2500, 2);

    public static readonly ImmutableHashSet<TaskType> Served = [Copy, Create];

    public static readonly WorkerToken Token = new(Copy, 0.75);

    /// <summary>A task with every field set, depending on two others.</summary>
    public static readonly TaskSpec Spec = new()
    {
        Id = "copy-1",
        Type = Copy,
        Handler = "Snapshots.Copy",
        InputSchema = "schema:in/v1",
        OutputSchema = "schema:out/v2",
        Inputs = [new DataRef("block/17", 4096), new DataRef("object/a", 123_456_789)],
        Resources = new ResourceVector(1.5, 512, 40, 80, 1),
        EstimatedDuration = TimeSpan.FromMilliseconds(1234.5),
        Payload = """{"from":"a","to":"b"}""",
        DependsOn = ["create-1", "create-2"],
    };

    public static readonly TaskSpec Root1 = new() { Id = "create-1", Type = Create, Payload = "p1", DependsOn = [] };
    public static readonly TaskSpec Root2 = new() { Id = "create-2", Type = Create, Payload = "p2", DependsOn = [] };

    public static readonly ImmutableArray<TaskSpec> Tasks = [Root1, Root2, Spec];

    public static readonly TaskOutcome Success = new(TimeSpan.FromMilliseconds(987.25), new ResourceVector(0.5, 100, 10, 20, 0.25), 4096, "out-1", null);
    public static readonly TaskOutcome Failure = new(TimeSpan.FromSeconds(3), new ResourceVector(1, 2, 3, 4, 5), 77, "partial", "disk full");

    public static readonly ImmutableArray<TaskView> Views =
    [
        new("create-1", Create, TaskPhase.Succeeded, 1, "host-a/0", "out-1", null, 12.5, 30.25),
        new("copy-1", Copy, TaskPhase.Failed, 4, "host-b/3", "", "disk full", 99.5, 150.75),
    ];

    public static readonly ImmutableDictionary<string, TaskRecord> Records = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
    [
        KeyValuePair.Create("create-1", new TaskRecord(TaskPhase.Succeeded, 2, "host-a/0", "out-1", "earlier error", 12.5, 30.25)),
        KeyValuePair.Create("create-2", new TaskRecord(TaskPhase.Failed, 3, "host-a/1", "out-2", "disk full", 1.5, 3.25)),
        KeyValuePair.Create("copy-1", new TaskRecord(TaskPhase.Cancelled, 1, "host-b/3", "out-3", "cancelled", 7.5, 8.25)),
    ]);

    /// <summary>Every sample; <paramref name="slot"/> is the actor reference <see cref="SlotOnline"/> carries.</summary>
    public static readonly TaskTypeProfile SampleProfile = new(12, 850.5, 0.25, 0.125, 0.5, 0.0625, 0.03125);

    /// <summary>A learned model with something in every part: a few chains of types from two apps.</summary>
    public static SequencePredictor Learned()
    {
        var predictor = new SequencePredictor(new PredictionOptions());
        TaskType[] chain = [Create, "SnapshotView", Copy, "SnapshotDelete"];
        for (var round = 0; round < 5; round++)
            for (var i = 1; i < chain.Length; i++)
            {
                var context = new PredictionContext([.. chain[..i]], round % 2 == 0 ? "tenant-1" : "tenant-2", "host-b/3", chain[i - 1], 13);
                predictor.Observe(context, chain[i]);
                predictor.Chains.Observe(chain[i - 1], chain[i], 4096 * i);
            }
        return predictor;
    }

    private static readonly SequencePredictor Model = Learned();

    private static readonly PredictionContext Context = new([Create, "SnapshotView"], "tenant-1", "host-b/3", "SnapshotView", 13);

    public static IReadOnlyList<object> All(IActorRef slot) =>
    [
        // chain protocol
        new SubmitChain("chain-1", "app-1", Tasks),
        new SubmitChain("chain-1", "app-1", Tasks) { Watch = true },
        new SubmitChains([new SubmitChain("chain-1", "app-1", Tasks) { Watch = true, Batched = true }, new SubmitChain("chain-2", "app-1", Tasks)]),
        new ChainReplies([new ChainAcknowledged("chain-2", false)], [new Rejected("chain-3", [new ValidationProblem(null, "tasks", "empty")])],
            [new ChainFinished("chain-1", ChainPhase.Completed, Views)]),
        new ChainAcknowledged("chain-1", true),
        new Rejected("chain-1", [new ValidationProblem("copy-1", "dependsOn", "cycle"), new ValidationProblem(null, "tasks", "empty")]),
        new GetChainStatus("chain-1"),
        new WatchChain("chain-1"),
        new NotFound("chain-1", "no such chain"),
        new ChainStatus("chain-1", "app-1", ChainPhase.Failed, Views),
        new ChainFinished("chain-1", ChainPhase.Completed, Views),
        new TaskFinished("chain-1", "copy-1", 3, "host-b/3", Failure),
        new TaskLease("chain-1", "copy-1", 2, "host-b/3", true),
        new TaskReturned("chain-1", "copy-1", 2, "host-b/3", "draining"),
        new TaskPlaced("chain-1", "copy-1", 2, "host-b/3", PlacementExplanation.FromText("least-loaded: idle")),
        new PlacementFailed("chain-1", "copy-1", 2, "no worker online"),
        // chain events and snapshot
        new ChainAccepted("chain-1", "app-1", Tasks, At),
        new TaskSucceeded("chain-1", "create-1", 2, "host-a/0", "out-1", 12.5, 30.25),
        new TaskFailed("chain-1", "copy-1", 4, "host-b/3", "disk full", true, 99.5, 150.75),
        new ChainFinishedEvent("chain-1", ChainPhase.Failed, At),
        new ChainCheckpoint("chain-1",
            [new TaskFailed("chain-1", "copy-1", 1, "host-b/3", "disk full", false, 9.5, 15.75)],
            [new TaskSucceeded("chain-1", "copy-1", 2, "host-a/0", "out-1", 12.5, 30.25), new TaskSucceeded("chain-1", "view-1", 1, "host-a/0", "", 1, 2)],
            ChainPhase.Completed, At),
        new ChainSnapshot("chain-1", "app-1", Tasks, Records, ChainPhase.Failed, At),
        // chain books
        new ChainBookProtocol.ChainsWritten([new ChainAccepted("chain-2", "app-1", Tasks, At)],
            [new ChainCheckpoint("chain-1", [], [new TaskSucceeded("chain-1", "view-1", 1, "host-a/0", "", 1, 2)], null, At)]),
        new ChainBookProtocol.ChainBookSnapshot([new ChainSnapshot("chain-1", "app-1", Tasks, Records, ChainPhase.Failed, At)]),
        new ChainBookProtocol.ListChains("book-3"),
        new ChainBookProtocol.BookChains("book-3", ["chain-1", "chain-2"]),
        // scheduler
        new PlaceTask("chain-1", "copy-1", 2, Spec, "tenant-3", [new TaskType("SnapshotCreate"), new TaskType("SnapshotView")],
            [new UpcomingTask(Root1, 1), new UpcomingTask(Root2, 2)], "host-a/1", [new TypeCount(new TaskType("SnapshotView"), 2), new TypeCount(new TaskType("SnapshotDelete"), 1)]),
        GetSchedulerStatus.Instance,
        new WithdrawChain("chain-1"),
        new SchedulerStatus("least-loaded", 5, 3, [Copy, Create]) { Waiting = 12 },
        // worker protocol, event and snapshot
        new SlotOnline("host-b/3", "host-b", Served, Capacity, slot, new TaskKey("chain-1", "copy-1", 2)),
        new DrainWorker("host-b/3", slot),
        new WorkerDrained("host-b/3"),
        new SlotAcknowledged("host-b/3"),
        new AssignTask("host-b/3", "chain-1", "copy-1", 2, Spec, "tenant-3", [new TaskType("SnapshotCreate")], 0.625, 41.5,
            [new PrefetchCandidate(new DataRef("vol-01/snap-2/index", 1_048_576), 0.75, "chain-1/view-1 in 1")])
        {
            IssuedAt = new DateTimeOffset(2026, 11, 24, 5, 30, 0, TimeSpan.Zero),
            Chain = slot, // any actor ref: it travels as its path
        },
        new QueryTask("host-b/3", "chain-1", "copy-1", 2),
        new OutcomeRecorded("host-b/3", "chain-1", "copy-1", 2),
        new RunTask("host-b/3", "chain-1", "copy-1", 2, Spec, true, 12.25, 3),
        new TaskRan("host-b/3", "chain-1", "create-1", 1, Success),
        new GetWorkerStatus("host-b/3"),
        new ReleaseBuffered("host-b/3", "host-a/0", Served, 2),
        new WorkerStatus("host-b/3", "host-b", true, Served, Capacity, 5, 1, Token, 42, 7),
        new WorkerStatus("host-b/3", "host-b", true, Served, Capacity, 5, 1, Token, 42, 7) { Entity = slot },
        new WorkerRegistered("host-b/3", "host-b", Served, Capacity),
        new WorkerState("host-b/3", "host-b", Served, Capacity, 42, 7, Token, ImmutableDictionary<TaskType, TaskTypeProfile>.Empty.Add(new TaskType("SnapshotCopy"), SampleProfile)),
        // predictor protocol and snapshot
        new TaskObserved("host-b/3", "chain-1", "tenant-3", Copy, [Create, "SnapshotView"], "SnapshotView", SampleProfile, 812.5, 640.25, 8192, true, At) { Refused = true },
        new ModelSnapshot(17, [new ProfileEntry("host-b/3", Copy, SampleProfile)], Model.Transitions(), Model.Stats) { Weights = [new TypeWeights(Copy, new AffinityWeights(0.9, 0.1, 0, 0, 0.2))] },
        GetModel.Instance,
        new PredictNext(Context),
        new NextPrediction(Model.Predict(Context)),
        new PredictorState(17, [new ProfileEntry("host-b/3", Copy, SampleProfile)], Model.ToSnapshot()) { Weights = [new TypeWeights(Copy, new AffinityWeights(0.9, 0.1, 0, 0, 0.2))] },
        new SetWeights(Copy, new AffinityWeights(0.9, 0.1, 0, 0, 0.2)),
        new SetWeights(Copy, null),
        new WeightsSet(Copy, new AffinityWeights(0.9, 0.1, 0, 0, 0.2), 18),
        new WeightsRejected(Copy, "duration must be a number in [0, 1], was 7"),
        new GetFrequentChains(10, 6),
        new FrequentChains([new FrequentChain([Create, Copy], 40, 80)]),
        // monitor
        new TaskAffinity.Cluster.Monitoring.MonitorProtocol.HostSample("host-b", "akka.tcp://taskaffinity@10.0.0.2:4053", At, 0.5, 0.25, null, 0.01, 0.5,
            new TaskAffinity.Cluster.Monitoring.MonitorProtocol.PrefetchCounters(90, 10, 1 << 20, 1 << 10, 100, 40, 3, 60, 1), [new WorkerPrefetch("host-b/3", 60, 30, 2)]),
        // host protocol, event and snapshot
        new RegisterHost("host-b", "akka.tcp://taskaffinity@10.0.0.2:4053", Capacity, 8, Served),
        new HostRegistrationAcknowledged("host-b"),
        new GetHostStatus("host-b"),
        new HostStatus("host-b", "akka.tcp://taskaffinity@10.0.0.2:4053", Capacity, 8, Served, HostLifecycle.Draining, At),
        new HostNotFound("host-b", "never registered"),
        new HostRegistered("host-b", "akka.tcp://taskaffinity@10.0.0.2:4053", Capacity, 8, Served, At),
        new HostState("host-b", "akka.tcp://taskaffinity@10.0.0.2:4053", Capacity, 8, Served, HostLifecycle.Warming, At),
        // staging
        new StageInputs("host-b/3", [new PrefetchCandidate(new DataRef("vol-01/blocks", 4_194_304), 1.0, "buffered")]),
        GetStagerStats.Instance,
        new PrefetchReport(new DataCacheStats(90, 10, 50, 5_000, 45, 4_500, 3, 300, 7, 700, 9_000, 1_073_741_824, 40, 2), 4,
            120, 60, 3.25, 0.5, 1, 2, 3, 80, 70, 5, 64, 6_400, 6, 1, ImmutableDictionary<string, long>.Empty.Add("LowConfidence", 4)),
    ];
}
