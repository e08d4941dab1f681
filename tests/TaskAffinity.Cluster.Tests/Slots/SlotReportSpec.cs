using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Slots;

/// <summary>Where a slot reports what it ran: straight to the entity that sent the task while it lives, else through the region.</summary>
public sealed class SlotReportSpec : TestKit
{
    private const string WorkerId = "host-a/0";
    private static readonly TaskSpec Spec = new() { Id = "t1", Type = "Echo" };

    private readonly TestProbe _region;

    public SlotReportSpec() => _region = CreateTestProbe("worker-region");

    private IActorRef StartSlot()
    {
        var handlers = new HandlerRegistry([new Echo()]);
        return Sys.ActorOf(Props.Create(() => new SlotActor(WorkerId, "host-a", handlers, new TaskAffinitySettings { SlotHeartbeat = TimeSpan.FromMilliseconds(500) }, _region.Ref,
            CreateTestProbe("stager").Ref, new HostData(DataCacheOptions.Default, null), new PrefetchMetrics(), RunLog.None, new NodeMetrics())));
    }

    private static RunTask Run(string taskId) => new(WorkerId, "chain-1", taskId, 1, Spec with { Id = taskId }, false, 0, 0);

    [Fact]
    public async Task The_outcome_goes_to_the_entity_that_sent_the_task_and_the_region_hears_only_announcements()
    {
        var slot = StartSlot();
        await _region.ExpectMsgAsync<SlotOnline>();
        var entity = CreateTestProbe("entity");

        slot.Tell(Run("t1"), entity.Ref);

        var ran = await entity.ExpectMsgAsync<TaskRan>();
        (ran.TaskId, ran.Outcome.Output).ShouldBe(("t1", "echo t1"));
        await _region.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Once_that_entity_stopped_the_outcome_goes_through_the_region_and_announcements_repeat_the_last_one()
    {
        var slot = StartSlot();
        await _region.ExpectMsgAsync<SlotOnline>();
        var entity = CreateTestProbe("entity");
        slot.Tell(Run("t1"), entity.Ref);
        await entity.ExpectMsgAsync<TaskRan>();

        Sys.Stop(entity.Ref);
        await Task.Delay(200); // the slot hears of it (death watch)
        slot.Tell(Run("t2"), ActorRefs.NoSender);

        (await _region.FishForMessageAsync<TaskRan>(_ => true)).TaskId.ShouldBe("t2");
        // the next heartbeat announcement carries it, for an incarnation that missed it
        var announced = await _region.FishForMessageAsync<SlotOnline>(_ => true, TimeSpan.FromSeconds(3));
        announced.LastRan!.TaskId.ShouldBe("t2");
    }

    private sealed class Echo : ITaskHandler
    {
        public TaskType Type => "Echo";

        public Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult($"echo {context.TaskId}");
    }
}
