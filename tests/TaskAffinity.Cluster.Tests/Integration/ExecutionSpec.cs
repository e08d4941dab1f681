using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using Xunit;
using static TaskAffinity.Cluster.Tests.Integration.Graphs;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>Tasks executed end to end on a real node: dependencies, results, retries, duplicates, status.</summary>
public abstract class ExecutionSpec(SharedNode shared)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private TestNode Node => shared.Node;

    [Fact]
    public async Task Diamond_runs_in_dependency_order_and_completes_with_every_output()
    {
        // a → (b, c) → d
        var finished = await Node.Client.RunAsync("diamond", "tests",
            [Task("a"), Task("b", "Work", "a"), Task("c", "Work", "a"), Task("d", "Work", "b", "c")], Patience);

        finished.Phase.ShouldBe(ChainPhase.Completed);
        finished.Tasks.Select(t => t.Output).ShouldBe(["Work:a", "Work:b", "Work:c", "Work:d"]);
        finished.Tasks.ShouldAllBe(t => t.Phase == TaskPhase.Succeeded && t.Attempts == 1 && t.WorkerId!.StartsWith("node1/"));
        var order = shared.Work.Order.Where(id => id is "a" or "b" or "c" or "d").ToList();
        order.First().ShouldBe("a");
        order.Last().ShouldBe("d");
    }

    [Fact]
    public async Task A_quick_chain_writes_its_outcomes_in_one_checkpoint_that_also_records_its_end()
    {
        // Five quick tasks finish well within one checkpoint interval (100 ms by default) ...
        var finished = await Node.Client.RunAsync("batched", "tests", Linear(5), Patience);
        finished.Phase.ShouldBe(ChainPhase.Completed);

        // ... so the journal holds two rows: the submission, and one checkpoint with every outcome and the end.
        var rows = await Node.ChainJournalAsync("batched");
        rows.Count.ShouldBe(2);
        rows[0].ShouldBeOfType<ChainAccepted>();
        var checkpoint = rows[1].ShouldBeOfType<ChainCheckpoint>();
        checkpoint.Succeeded.Select(s => s.TaskId).ShouldBe(["t1", "t2", "t3", "t4", "t5"]);
        checkpoint.Finished.ShouldBe(ChainPhase.Completed);
        checkpoint.Succeeded.Select(s => s.Output).ShouldBe(finished.Tasks.Select(t => t.Output));
    }

    [Fact]
    public async Task Repeated_submission_is_acknowledged_again_and_runs_only_once()
    {
        var first = await Node.Client.SubmitAsync("twice", "tests", Linear(3));
        var second = await Node.Client.SubmitAsync("twice", "tests", Linear(3));
        await Node.Client.AwaitAsync("twice", Patience);
        var third = await Node.Client.SubmitAsync("twice", "tests", Linear(3));

        (first.Accepted, first.Duplicate).ShouldBe((true, false));
        (second.Accepted, second.Duplicate).ShouldBe((true, true));
        (third.Accepted, third.Duplicate).ShouldBe((true, true));
        await System.Threading.Tasks.Task.Delay(500); // room for a wrongful second run to show up
        new[] { "t1", "t2", "t3" }.Select(t => shared.Work.RunsOf("twice", t)).ShouldBe([1, 1, 1]);
        (await Node.ChainEventsAsync("twice")).OfType<ChainAccepted>().Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_submission_that_also_watches_is_answered_with_the_acknowledgement_then_the_end_and_again_when_repeated()
    {
        var router = Akka.Hosting.ActorRegistry.For(Node.System).Get<TaskRouter>();
        var submit = new ChainProtocol.SubmitChain("watched", "tests", Linear(2)) { Watch = true };

        var first = await Inbox.AskAllAsync(Node.System, router, submit, 2, Patience);
        first[0].ShouldBe(new ChainProtocol.ChainAcknowledged("watched", Duplicate: false));
        var ended = first[1].ShouldBeOfType<ChainProtocol.ChainFinished>();
        ended.Phase.ShouldBe(ChainPhase.Completed);
        ended.Tasks.Select(t => t.Output).ShouldBe(["Work:t1", "Work:t2"]);
        // The application gets results; why each task went where it went is the operator's, in a status.
        ended.Tasks.ShouldAllBe(t => t.Explanation == null);
        var status = await Node.Client.GetStatusAsync("watched");
        status!.Tasks.ShouldAllBe(t => t.Explanation!.Contains("decided by"));

        // Repeated after the end: acknowledged as a duplicate and told the end at once; nothing runs again.
        var again = await Inbox.AskAllAsync(Node.System, router, submit, 2, Patience);
        again[0].ShouldBe(new ChainProtocol.ChainAcknowledged("watched", Duplicate: true));
        again[1].ShouldBeOfType<ChainProtocol.ChainFinished>().Tasks.Select(t => t.Output).ShouldBe(["Work:t1", "Work:t2"]);
        new[] { "t1", "t2" }.Select(t => shared.Work.RunsOf("watched", t)).ShouldBe([1, 1]);
    }

    [Fact]
    public async Task The_client_running_the_same_chain_twice_at_once_gets_the_end_both_times_and_it_runs_once()
    {
        var runs = await System.Threading.Tasks.Task.WhenAll(
            Node.Client.RunAsync("same-twice", "tests", Linear(3), Patience),
            Node.Client.RunAsync("same-twice", "tests", Linear(3), Patience));

        runs.ShouldAllBe(r => r.Phase == ChainPhase.Completed);
        new[] { "t1", "t2", "t3" }.Select(t => shared.Work.RunsOf("same-twice", t)).ShouldBe([1, 1, 1]);
    }

    [Fact]
    public async Task Failed_task_is_retried_until_it_succeeds()
    {
        var finished = await Node.Client.RunAsync("flaky", "tests", [Task("f", "Flaky"), Task("after", "Work", "f")], Patience);

        finished.Phase.ShouldBe(ChainPhase.Completed);
        var flaky = finished.Tasks.Single(t => t.TaskId == "f");
        flaky.Attempts.ShouldBe(3);
        shared.Flaky.RunsOf("flaky", "f").ShouldBe(3);
        var events = await Node.ChainEventsAsync("flaky");
        events.OfType<TaskFailed>().Select(e => (e.Attempt, e.Final)).ShouldBe([(1, false), (2, false)]);
    }

    [Fact]
    public async Task Task_failing_past_its_retry_limit_fails_the_chain_and_cancels_its_dependents_only()
    {
        // AlwaysFails has a retry limit of 1 (two attempts); "side" does not depend on it and still runs.
        var finished = await Node.Client.RunAsync("doomed", "tests",
            [Task("bad", "AlwaysFails"), Task("child", "Work", "bad"), Task("grandchild", "Work", "child"), Task("side")], Patience);

        finished.Phase.ShouldBe(ChainPhase.Failed);
        var byId = finished.Tasks.ToDictionary(t => t.TaskId);
        byId["bad"].Phase.ShouldBe(TaskPhase.Failed);
        byId["bad"].Error!.ShouldContain("always fails");
        byId["bad"].Attempts.ShouldBe(2);
        byId["child"].Phase.ShouldBe(TaskPhase.Cancelled);
        byId["grandchild"].Phase.ShouldBe(TaskPhase.Cancelled);
        byId["side"].Phase.ShouldBe(TaskPhase.Succeeded);
        shared.AlwaysFails.RunsOf("doomed", "bad").ShouldBe(2);
        shared.Work.RunsOf("doomed", "child").ShouldBe(0);
        (await Node.ChainEventsAsync("doomed")).OfType<ChainFinishedEvent>().ShouldHaveSingleItem().Phase.ShouldBe(ChainPhase.Failed);
    }

    [Fact]
    public async Task Status_shows_where_each_task_is()
    {
        await Node.Client.SubmitAsync("status", "tests", [Task("slow", "Slow"), Task("next", "Work", "slow")]);
        await System.Threading.Tasks.Task.Delay(100);

        var running = await Node.Client.GetStatusAsync("status");
        running.ShouldNotBeNull();
        running.Phase.ShouldBe(ChainPhase.Running);
        running.AppId.ShouldBe("tests");
        running.Tasks.Single(t => t.TaskId == "next").Phase.ShouldBe(TaskPhase.Waiting);
        running.Tasks.Single(t => t.TaskId == "slow").Phase.ShouldBeOneOf(TaskPhase.Ready, TaskPhase.Running);

        await Node.Client.AwaitAsync("status", Patience);
        var done = await Node.Client.GetStatusAsync("status");
        done!.Phase.ShouldBe(ChainPhase.Completed);
        done.Tasks.ShouldAllBe(t => t.Phase == TaskPhase.Succeeded);
    }

    [Fact]
    public async Task Many_chains_at_once_all_complete_and_spread_over_the_slots()
    {
        var ids = Enumerable.Range(0, 40).Select(i => $"burst-{i}").ToList();
        var results = await System.Threading.Tasks.Task.WhenAll(ids.Select(id => Node.Client.RunAsync(id, "tests", Linear(3, "Slow"), TimeSpan.FromSeconds(60))));

        results.ShouldAllBe(r => r.Phase == ChainPhase.Completed);
        results.SelectMany(r => r.Tasks).Select(t => t.WorkerId).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public async Task Submission_racing_a_not_found_query_for_the_same_id_is_accepted_and_runs()
    {
        // The query makes the entity answer NotFound and passivate while the submission may already be in its mailbox.
        var ids = Enumerable.Range(0, 20).Select(i => $"race-{i}").ToList();
        var submissions = await System.Threading.Tasks.Task.WhenAll(ids.Select(async id =>
        {
            var query = Node.Client.GetStatusAsync(id);
            var submit = Node.Client.SubmitAsync(id, "tests", Linear(2));
            await query;
            return await submit;
        }));

        submissions.ShouldAllBe(s => s.Accepted);
        var finished = await System.Threading.Tasks.Task.WhenAll(ids.Select(id => Node.Client.AwaitAsync(id, Patience)));
        finished.ShouldAllBe(f => f.Phase == ChainPhase.Completed);
    }
}

public sealed class ExecutionOnSqlite(SqliteNode node) : ExecutionSpec(node), IClassFixture<SqliteNode>;

public sealed class ExecutionOnPostgres(PostgresNode node) : ExecutionSpec(node), IClassFixture<PostgresNode>;

/// <summary>Collects the first <c>count</c> messages sent back to a temporary actor, in order.</summary>
internal static class Inbox
{
    public static async Task<IReadOnlyList<object>> AskAllAsync(Akka.Actor.ActorSystem system, Akka.Actor.IActorRef target, object message, int count, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<IReadOnlyList<object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = system.ActorOf(Akka.Actor.Props.Create(() => new Collector(count, done)));
        target.Tell(message, collector);
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        finally
        {
            system.Stop(collector);
        }
    }

    private sealed class Collector : Akka.Actor.ReceiveActor
    {
        public Collector(int count, TaskCompletionSource<IReadOnlyList<object>> done)
        {
            var got = new List<object>();
            ReceiveAny(m =>
            {
                got.Add(m);
                if (got.Count == count) done.TrySetResult(got);
            });
        }
    }
}
