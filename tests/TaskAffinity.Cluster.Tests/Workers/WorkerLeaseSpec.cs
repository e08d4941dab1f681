using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Shouldly;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Workers;

/// <summary>
/// A worker entity answering its chains' lease checks. Its chain region is a probe that passes nothing on: what
/// a real region does with messages for a chain shard it has not routed to yet while the shard coordinator's
/// node is dead (it buffers them until a new coordinator answers, some 20 s later, longer than a lease lasts).
/// </summary>
public sealed class WorkerLeaseSpec : TestKit
{
    private const string WorkerId = "host-a/0";
    private static readonly TaskKey Create = new("chain-1", "create", 1);
    private static readonly TaskSpec Spec = new() { Id = "create", Type = "SnapshotCreate" };

    private readonly TestProbe _region;
    private readonly TestProbe _slot;
    private readonly TestProbe _chain;

    public WorkerLeaseSpec() : base(ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """))
    {
        _region = CreateTestProbe("chain-region");
        _slot = CreateTestProbe("slot");
        _chain = CreateTestProbe("chain"); // the chain incarnation that holds the lease and asks
    }

    private IActorRef StartWorker()
    {
        var region = _region.Ref;
        var mediator = CreateTestProbe("mediator").Ref;
        var predictor = CreateTestProbe("predictor").Ref;
        return Sys.ActorOf(FactoryProps.Of(() => new WorkerEntity(WorkerId, new TaskAffinitySettings(), () => region, mediator, () => predictor,
            new PrefetchMetrics(), TimeProvider.System)));
    }

    private SlotOnline Online(TaskKey? running = null) =>
        new(WorkerId, "host-a", ImmutableHashSet.Create<TaskType>(Spec.Type), new ResourceVector(2, 4096, 500, 1000, 0), _slot.Ref, running);

    [Fact]
    public async Task A_lease_check_is_answered_to_the_chain_that_asked_with_the_outcome_its_region_could_not_deliver()
    {
        // arrange: the task ran here; its outcome went to the chain region, which cannot deliver it now
        var worker = StartWorker();
        worker.Tell(Online(), _slot.Ref);
        await _slot.ExpectMsgAsync<SlotAcknowledged>();
        worker.Tell(new AssignTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt, Spec));
        await _slot.ExpectMsgAsync<RunTask>(r => r.TaskId == Create.TaskId);
        worker.Tell(new TaskRan(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt,
            TaskOutcome.Success(TimeSpan.FromMilliseconds(100), ResourceVector.Zero, 0, "done")), _slot.Ref);
        await _region.ExpectMsgAsync<TaskFinished>(f => f.TaskId == Create.TaskId);

        // act: the chain, not having heard, checks its lease
        worker.Tell(new QueryTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt), _chain.Ref);

        // assert: the answer comes straight back to it, so it records the outcome instead of placing the task again
        var finished = await _chain.ExpectMsgAsync<TaskFinished>();
        (finished.TaskId, finished.Attempt, finished.Outcome.Output).ShouldBe((Create.TaskId, Create.Attempt, "done"));
        (await _chain.ExpectMsgAsync<TaskLease>()).Held.ShouldBeTrue();
    }

    [Fact]
    public async Task A_lease_check_that_came_before_the_slot_announced_itself_is_answered_to_the_chain_that_asked()
    {
        // a worker that just started (moved or restarted) waits for its slot to say what it runs before answering
        var worker = StartWorker();
        worker.Tell(new QueryTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt), _chain.Ref);
        await _chain.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));

        worker.Tell(Online(running: Create), _slot.Ref);

        var lease = await _chain.ExpectMsgAsync<TaskLease>();
        (lease.TaskId, lease.Held).ShouldBe((Create.TaskId, true));
    }

    [Fact]
    public async Task An_outcome_repeated_in_the_slots_announcement_reaches_the_chain_once_when_this_incarnation_never_had_it()
    {
        // the slot reported it straight to an incarnation that stopped before reading it
        var worker = StartWorker();
        var ran = new TaskRan(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt,
            TaskOutcome.Success(TimeSpan.FromMilliseconds(100), ResourceVector.Zero, 0, "done"));

        worker.Tell(Online() with { LastRan = ran }, _slot.Ref);
        worker.Tell(Online() with { LastRan = ran }, _slot.Ref); // the next heartbeat repeats it

        (await _region.ExpectMsgAsync<TaskFinished>()).Outcome.Output.ShouldBe("done");
        await _region.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task An_assignment_sent_before_the_worker_told_the_chain_it_does_not_hold_the_task_is_dropped_and_a_later_one_runs()
    {
        var worker = StartWorker();
        worker.Tell(Online(), _slot.Ref);
        await _slot.ExpectMsgAsync<SlotAcknowledged>();
        var sent = DateTimeOffset.UtcNow;

        // the chain, not having heard, checks its lease: not held, so it places the task again elsewhere
        worker.Tell(new QueryTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt), _chain.Ref);
        (await _chain.ExpectMsgAsync<TaskLease>()).Held.ShouldBeFalse();
        // ... and then the assignment held up on its way arrives
        worker.Tell(new AssignTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt, Spec) { IssuedAt = sent });
        await _slot.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        // the chain may place the same attempt here again later: that one runs
        worker.Tell(new AssignTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt, Spec) { IssuedAt = DateTimeOffset.UtcNow.AddMilliseconds(1) });
        (await _slot.ExpectMsgAsync<RunTask>()).TaskId.ShouldBe(Create.TaskId);
    }

    [Fact]
    public async Task An_assignment_older_than_a_lease_lasts_is_dropped()
    {
        var worker = StartWorker();
        worker.Tell(Online(), _slot.Ref);
        await _slot.ExpectMsgAsync<SlotAcknowledged>();

        var lease = new TaskAffinitySettings().LeaseTimeout;
        worker.Tell(new AssignTask(WorkerId, Create.ChainId, Create.TaskId, Create.Attempt, Spec) { IssuedAt = DateTimeOffset.UtcNow - lease - TimeSpan.FromSeconds(1) });
        await _slot.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));

        worker.Tell(new AssignTask(WorkerId, "chain-2", Create.TaskId, 1, Spec) { IssuedAt = DateTimeOffset.UtcNow });
        (await _slot.ExpectMsgAsync<RunTask>()).ChainId.ShouldBe("chain-2");
    }
}
