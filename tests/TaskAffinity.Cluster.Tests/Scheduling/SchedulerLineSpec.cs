using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Scheduling;

/// <summary>
/// The scheduler's waiting line, with probes for the workers and the chains: tasks wait while the one worker is
/// full and are placed as it reports room, fairly by type under a baseline, shortest learned first under ours.
/// </summary>
public sealed class SchedulerLineSpec : TestKit
{
    private static readonly TaskAffinitySettings Settings = TaskAffinitySettings.FromConfig(Config.Empty);
    private static readonly int Capacity = 1 + Settings.Prefetch.EffectiveBufferSize;
    private const string Worker = "host-a/0";

    private readonly TestProbe _workers;
    private readonly NodeMetrics _metrics = new();
    private readonly IActorRef _scheduler;

    public SchedulerLineSpec() => (_scheduler, _workers) = Start(new LeastLoadedPolicy(), _metrics);

    private (IActorRef Scheduler, TestProbe Workers) Start(IPlacementPolicy policy, NodeMetrics metrics)
    {
        var workers = CreateTestProbe();
        var chains = CreateTestProbe();
        var mediator = CreateTestProbe();
        var scheduler = Sys.ActorOf(Props.Create(() => new SchedulerActor(Settings, () => chains.Ref, workers.Ref, mediator.Ref, policy,
            TimeProvider.System, metrics)));
        return (scheduler, workers);
    }

    /// <summary>The one worker reports what it holds: <paramref name="held"/> tasks, the one it runs included.</summary>
    private void Holds(int held) => Holds(_scheduler, held);

    private static void Holds(IActorRef scheduler, int held) => scheduler.Tell(new WorkerStatus(Worker, "host-a", true,
        [new TaskType("Blast"), new TaskType("Tiny")], new ResourceVector(4, 4096, 100, 100, 0), Math.Max(0, held - 1), Math.Min(held, 1), WorkerToken.Empty, 0, 0));

    private static PlaceTask Place(string chain, string task, string type) => new(chain, task, 1, new TaskSpec { Id = task, Type = type });

    private async Task<int> Waiting() =>
        (await _scheduler.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(3))).Waiting;

    private async Task<string> NextAssigned() => (await _workers.ExpectMsgAsync<AssignTask>()).TaskId;

    /// <summary>The worker is full; b1, b2, b3 (Blast) and then t1 (Tiny) wait.</summary>
    private async Task FloodThenTiny(IActorRef? sender = null)
    {
        Holds(Capacity);
        foreach (var task in new[] { "b1", "b2", "b3" })
            _scheduler.Tell(Place("flood", task, "Blast"), sender ?? TestActor);
        _scheduler.Tell(Place("small", "t1", "Tiny"), sender ?? TestActor);
        (await Waiting()).ShouldBe(4);
        await _workers.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task A_task_of_another_type_is_placed_after_one_of_the_type_ahead_of_it_not_after_all_of_them()
    {
        await FloodThenTiny();

        Holds(Capacity - 1); // room for one
        (await NextAssigned()).ShouldBe("b1");
        Holds(Capacity - 1);
        (await NextAssigned()).ShouldBe("t1"); // in arrival order it would have been b2
        Holds(Capacity - 1);
        (await NextAssigned()).ShouldBe("b2");

        (await Waiting()).ShouldBe(1);
        await ExpectMsgAsync<TaskPlaced>(m => m.TaskId == "b1");
        await ExpectMsgAsync<TaskPlaced>(m => m.TaskId == "t1");
    }

    [Fact]
    public async Task A_chain_asking_again_keeps_its_place_and_hears_back_at_its_new_address()
    {
        await FloodThenTiny();
        var asker = CreateTestProbe();

        _scheduler.Tell(Place("flood", "b1", "Blast"), asker.Ref); // its lease lapsed: the same attempt again

        (await Waiting()).ShouldBe(4);
        Holds(Capacity - 1);
        (await NextAssigned()).ShouldBe("b1");
        (await asker.ExpectMsgAsync<TaskPlaced>()).TaskId.ShouldBe("b1");
    }

    [Fact]
    public async Task A_withdrawn_chain_leaves_the_line_and_the_gauge_counts_what_is_left()
    {
        await FloodThenTiny();

        _scheduler.Tell(new WithdrawChain("flood"));

        (await Waiting()).ShouldBe(1);
        (await Gauge()).ShouldBe("1");
        Holds(0);
        (await NextAssigned()).ShouldBe("t1");
        await _workers.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        (await Waiting()).ShouldBe(0);
        (await Gauge()).ShouldBe("0");
    }

    // ---- under our policy the line is served shortest learned duration first; a baseline's stays fair by type ----

    [Fact]
    public async Task Under_our_policy_the_learned_shorter_type_is_placed_first()
    {
        (await PlacedAfterFloodThenTiny(new AffinityPolicy())).ShouldBe(["t1", "t2", "b1", "b2"]);
    }

    [Fact]
    public async Task Under_a_baseline_the_line_stays_fair_by_type()
    {
        (await PlacedAfterFloodThenTiny(new LeastLoadedPolicy())).ShouldBe(["b1", "t1", "b2", "t2"]);
    }

    [Theory]
    [InlineData(0, new[] { "t1", "b1" })]
    [InlineData(2, new[] { "b1", "t1" })]
    public async Task Under_our_policy_a_long_task_that_leads_a_long_rest_of_its_chain_goes_ahead_of_a_short_one(int blastsAfter, string[] expected)
    {
        // Learned: Blast 60 s, Tiny 50 ms. t1 (Tiny) waits, then b1 (Blast) with blastsAfter more Blasts after it in its chain.
        var (scheduler, workers) = Start(new AffinityPolicy(), new NodeMetrics());
        scheduler.Tell(new ModelSnapshot(1, [Profile("Blast", 60_000), Profile("Tiny", 50)], TransitionTable.Empty, new PredictionStats(0, 0, 0, 0, 0)));
        Holds(scheduler, Capacity);
        scheduler.Tell(Place("small", "t1", "Tiny"));
        scheduler.Tell(Place("long", "b1", "Blast") with { PathAfter = blastsAfter > 0 ? [new TypeCount(new TaskType("Blast"), blastsAfter)] : [] });
        (await scheduler.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(3))).Waiting.ShouldBe(2);

        var placed = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            Holds(scheduler, Capacity - 1);
            placed.Add((await workers.ExpectMsgAsync<AssignTask>()).TaskId);
        }
        placed.ShouldBe(expected);
    }

    /// <summary>Learned: Blast takes 60 s, Tiny 50 ms. The worker is full; b1, b2 (Blast), t1, t2 (Tiny) wait; then room for one at a time.</summary>
    private async Task<IReadOnlyList<string>> PlacedAfterFloodThenTiny(IPlacementPolicy policy)
    {
        var (scheduler, workers) = Start(policy, new NodeMetrics());
        scheduler.Tell(new ModelSnapshot(1, [Profile("Blast", 60_000), Profile("Tiny", 50)], TransitionTable.Empty, new PredictionStats(0, 0, 0, 0, 0)));
        Holds(scheduler, Capacity);
        foreach (var (chain, task, type) in new[] { ("flood", "b1", "Blast"), ("flood", "b2", "Blast"), ("small", "t1", "Tiny"), ("small", "t2", "Tiny") })
            scheduler.Tell(Place(chain, task, type));
        (await scheduler.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(3))).Waiting.ShouldBe(4);

        var placed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            Holds(scheduler, Capacity - 1);
            placed.Add((await workers.ExpectMsgAsync<AssignTask>()).TaskId);
        }
        return placed;
    }

    private static ProfileEntry Profile(string type, double ms) => new(Worker, type, new TaskTypeProfile(10, ms, 0.5, 0.1, 0.1, 0, 0));

    private async Task<string> Gauge()
    {
        using var stream = new MemoryStream();
        await _metrics.Registry.CollectAndExportAsTextAsync(stream);
        var line = System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n')
            .Single(l => l.StartsWith("taskaffinity_scheduler_waiting_tasks ", StringComparison.Ordinal));
        return line.Split(' ')[1];
    }
}
