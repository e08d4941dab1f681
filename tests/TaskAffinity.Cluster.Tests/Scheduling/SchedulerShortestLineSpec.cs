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
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Scheduling;

/// <summary>Under our policy the scheduler serves its line shortest learned duration first; a baseline's line stays fair by type.</summary>
public sealed class SchedulerShortestLineSpec : TestKit
{
    private static readonly TaskAffinitySettings Settings = TaskAffinitySettings.FromConfig(Config.Empty);
    private static readonly int Capacity = 1 + Settings.Prefetch.EffectiveBufferSize;
    private const string Worker = "host-a/0";

    private (IActorRef Scheduler, TestProbe Workers) Start(IPlacementPolicy policy)
    {
        var workers = CreateTestProbe();
        var chains = CreateTestProbe();
        var mediator = CreateTestProbe();
        var scheduler = Sys.ActorOf(Props.Create(() => new SchedulerActor(Settings, () => chains.Ref, workers.Ref, mediator.Ref, policy,
            TimeProvider.System, new NodeMetrics())));
        // learned: Blast takes 60 s, Tiny 50 ms
        scheduler.Tell(new ModelSnapshot(1, [Profile("Blast", 60_000), Profile("Tiny", 50)], TransitionTable.Empty, new PredictionStats(0, 0, 0, 0, 0)));
        return (scheduler, workers);
    }

    private static ProfileEntry Profile(string type, double ms) => new(Worker, type, new TaskTypeProfile(10, ms, 0.5, 0.1, 0.1, 0, 0));

    private static void Holds(IActorRef scheduler, int held) => scheduler.Tell(new WorkerStatus(Worker, "host-a", true,
        [new TaskType("Blast"), new TaskType("Tiny")], new ResourceVector(4, 4096, 100, 100, 0), Math.Max(0, held - 1), Math.Min(held, 1), WorkerToken.Empty, 0, 0));

    private static PlaceTask Place(string chain, string task, string type) => new(chain, task, 1, new TaskSpec { Id = task, Type = type });

    private async Task<IReadOnlyList<string>> PlacedAfterFloodThenTiny(IPlacementPolicy policy)
    {
        var (scheduler, workers) = Start(policy);
        Holds(scheduler, Capacity);
        foreach (var task in new[] { "b1", "b2" })
            scheduler.Tell(Place("flood", task, "Blast"));
        scheduler.Tell(Place("small", "t1", "Tiny"));
        scheduler.Tell(Place("small", "t2", "Tiny"));
        (await scheduler.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(3))).Waiting.ShouldBe(4);

        var placed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            Holds(scheduler, Capacity - 1); // room for one
            placed.Add((await workers.ExpectMsgAsync<AssignTask>()).TaskId);
        }
        return placed;
    }

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
}
