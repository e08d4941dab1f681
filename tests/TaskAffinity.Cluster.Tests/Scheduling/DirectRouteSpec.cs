using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Scheduling;

/// <summary>
/// Assignments go straight to the worker entity that published its status, naming the chain that asked, and
/// through the worker shard region again once that entity has stopped.
/// </summary>
public sealed class DirectRouteSpec : TestKit
{
    private static readonly TaskAffinitySettings Settings = TaskAffinitySettings.FromConfig(Config.Empty);
    private const string Worker = "host-a/0";

    private static WorkerStatus Idle(IActorRef? entity) => new(Worker, "host-a", true, [new TaskType("Blast")],
        new ResourceVector(4, 4096, 100, 100, 0), 0, 0, WorkerToken.Empty, 0, 0) { Entity = entity };

    private static PlaceTask Place(string task) => new("chain-1", task, 1, new TaskSpec { Id = task, Type = "Blast" });

    [Fact]
    public async Task An_assignment_goes_to_the_published_entity_while_it_lives_then_through_the_region()
    {
        var region = CreateTestProbe();
        var entity = CreateTestProbe();
        var chain = CreateTestProbe();
        var scheduler = Sys.ActorOf(Props.Create(() => new SchedulerActor(Settings, () => CreateTestProbe().Ref, region.Ref, CreateTestProbe().Ref,
            new LeastLoadedPolicy(), TimeProvider.System, new NodeMetrics())));

        scheduler.Tell(Idle(entity.Ref));
        scheduler.Tell(Place("t1"), chain.Ref);
        var direct = await entity.ExpectMsgAsync<AssignTask>();
        direct.TaskId.ShouldBe("t1");
        direct.Chain.ShouldBe(chain.Ref, "the worker reports the outcome straight to the chain that asked");
        await region.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        Watch(entity.Ref);
        Sys.Stop(entity.Ref);
        await ExpectTerminatedAsync(entity.Ref);
        await Task.Delay(100); // the scheduler watches it too: its Terminated comes ahead of later messages
        scheduler.Tell(Idle(null));
        scheduler.Tell(Place("t2"), chain.Ref);
        (await region.ExpectMsgAsync<AssignTask>()).TaskId.ShouldBe("t2");
    }
}
