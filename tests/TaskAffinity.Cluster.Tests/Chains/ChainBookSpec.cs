using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Tests.Integration;
using TaskAffinity.Core.Tasks;
using Xunit;
using Tasks = System.Threading.Tasks;
using static TaskAffinity.Cluster.Chains.ChainBookProtocol;
using static TaskAffinity.Cluster.Tests.Integration.Graphs;

namespace TaskAffinity.Cluster.Tests.Chains;

/// <summary>
/// Chains live in books that write for many chains at once: on a real node with one book, so every chain
/// shares it, and SQLite.
/// </summary>
public sealed class ChainBookSpec : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string OneBook = "taskaffinity.chains.books = 1";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingHandler _work = new(new TaskType("Work"));

    [Fact]
    public async Tasks.Task Submissions_that_arrive_while_a_row_is_written_are_written_together()
    {
        await using var node = await StartAsync(OneBook);
        await node.Client.RunAsync("opener", "tests", Linear(1), Patience); // the book is up and has written a row
        var ids = Enumerable.Range(0, 60).Select(i => $"together-{i}").ToList();

        // A lock on the database file holds the first of them up while it is written, so on a machine of any
        // speed the rest reach the book meanwhile. A chain answers Identify only after its submission, which
        // it has by then sent to the book to write.
        Tasks.Task<SubmitResult>[] submitting;
        await using (await SqliteWriteLock.TakeAsync(node.Options.SqliteFile))
        {
            submitting = [.. ids.Select(id => node.Client.SubmitAsync(id, "tests", Linear(1)))];
            await Poll.UntilAsync(async () => (await Tasks.Task.WhenAll(ids.Select(id => HasActorAsync(node, id)))).All(has => has), Patience);
            submitting.ShouldAllBe(s => !s.IsCompleted, "nothing is acknowledged before it is written");
        }
        var results = await Tasks.Task.WhenAll(submitting);
        await Tasks.Task.WhenAll(ids.Select(id => node.Client.AwaitAsync(id, Patience)));

        results.ShouldAllBe(r => r.Accepted && !r.Duplicate);
        var rows = (await RowsAsync(node)).Where(r => r.Accepted.Any(a => ids.Contains(a.ChainId))).ToList();
        rows.Sum(r => r.Accepted.Length).ShouldBe(60);
        rows.Count.ShouldBeLessThanOrEqualTo(2, "the one held up, then one with every submission that arrived meanwhile");
        (await RowsAsync(node)).SelectMany(r => r.Checkpoints).Count(c => ids.Contains(c.ChainId) && c.Finished == ChainPhase.Completed).ShouldBe(60);
    }

    [Fact]
    public async Tasks.Task Two_submissions_of_one_id_at_once_are_written_once_and_both_acknowledged()
    {
        await using var node = await StartAsync(OneBook);

        var both = await Tasks.Task.WhenAll(node.Client.SubmitAsync("racing", "tests", Linear(2)), node.Client.SubmitAsync("racing", "tests", Linear(2)));
        await node.Client.AwaitAsync("racing", Patience);

        both.ShouldAllBe(r => r.Accepted);
        both.Count(r => r.Duplicate).ShouldBe(1);
        (await node.ChainEventsAsync("racing")).OfType<ChainAccepted>().Count().ShouldBe(1);
        _work.RunsOf("racing", "t1").ShouldBe(1);
    }

    [Fact]
    public async Tasks.Task A_finished_chain_is_kept_for_the_retention_time_then_forgotten()
    {
        await using var node = await StartAsync($"{OneBook}\ntaskaffinity.chains.passivate-finished-after = 1s");

        await node.Client.RunAsync("brief", "tests", Linear(2), Patience);
        (await node.Client.GetStatusAsync("brief")).ShouldNotBeNull().Phase.ShouldBe(ChainPhase.Completed);
        await Tasks.Task.Delay(TimeSpan.FromSeconds(3));

        (await node.Client.GetStatusAsync("brief")).ShouldBeNull();
    }

    [Fact]
    public async Tasks.Task A_chain_that_finishes_stops_being_an_actor_at_once_and_its_book_keeps_its_explanations()
    {
        var gate = new TaskCompletionSource();
        var slow = new RecordingHandler(new TaskType("Gated"), async _ => { await gate.Task; return "gated done"; });
        await using var gated = await StartAsync($"{OneBook}\ntaskaffinity.chains.passivate-finished-after = 1m", slow);

        (await gated.Client.SubmitAsync("brisk", "tests", [Task("a"), Task("b", "Gated", "a")])).Accepted.ShouldBeTrue();
        await Poll.UntilAsync(() => slow.Runs.Count > 0, Patience);
        (await HasActorAsync(gated, "brisk")).ShouldBeTrue("a running chain is an actor under its book");
        gate.SetResult();
        (await gated.Client.AwaitAsync("brisk", Patience)).Phase.ShouldBe(ChainPhase.Completed);

        // Well before the five seconds a chain started again for a query stays: it went idle as it finished.
        await Poll.UntilAsync(async () => !await HasActorAsync(gated, "brisk"), TimeSpan.FromSeconds(3));
        var status = (await gated.Client.GetStatusAsync("brisk")).ShouldNotBeNull();
        status.Tasks.Select(t => t.Output).ShouldBe(["Work:a", "gated done"]);
        status.Tasks.ShouldAllBe(t => t.Explanation != null && t.Explanation.Contains("decided by"));
    }

    [Fact]
    public async Tasks.Task After_a_restart_a_book_recovers_its_chains_from_its_snapshot_and_the_rows_after_it()
    {
        // Snapshots every 3 rows, a finished chain is kept for a minute, and a stopping node does not wait for the slow task.
        const string hocon = $"{OneBook}\ntaskaffinity.chains.snapshot-every = 3\ntaskaffinity.chains.passivate-finished-after = 1m\ntaskaffinity.worker.drain-timeout = 100ms";
        var gate = new TaskCompletionSource();
        var slow = new RecordingHandler(new TaskType("Slow"), async _ => { await gate.Task; return "slow done"; });
        var first = await StartAsync(hocon, slow);
        for (var i = 0; i < 8; i++)
            await first.Client.RunAsync($"early-{i}", "tests", Linear(2), Patience);
        (await first.Client.SubmitAsync("late", "tests", [Task("a"), Task("b", "Slow", "a")])).Accepted.ShouldBeTrue();
        await Poll.UntilAsync(() => slow.Runs.Count > 0, Patience);
        // A snapshot's older rows are deleted once it is saved, which under load lags behind the writes.
        IReadOnlyList<ChainsWritten> rowsBefore = [];
        await Poll.UntilAsync(async () => (rowsBefore = await RowsAsync(first)).Count < 8 * 2, Patience);
        await first.DisposeAsync();

        gate.SetResult();
        await using var second = await StartAsync(hocon, slow);
        var late = await second.Client.AwaitAsync("late", Patience);

        late.Phase.ShouldBe(ChainPhase.Completed);
        late.Tasks.Select(t => t.Output).ShouldBe(["Work:a", "slow done"]);
        _work.RunsOf("late", "a").ShouldBe(1); // its first task's outcome was recovered, not run again
        // Finished chains come back from the snapshot: the rows that wrote them were deleted.
        (await second.Client.GetStatusAsync("early-0")).ShouldNotBeNull().Phase.ShouldBe(ChainPhase.Completed);
        rowsBefore.Count.ShouldBeLessThan(8 * 2, "rows before the last snapshot are deleted");
    }

    private Tasks.Task<TestNode> StartAsync(string hocon, RecordingHandler? extra = null) =>
        TestNode.StartAsync(_dataDirectory, services =>
        {
            services.AddTaskHandler(_work);
            if (extra is not null) services.AddTaskHandler(extra);
        }, hocon);

    /// <summary>Whether the chain has an actor (any incarnation) under its book.</summary>
    private static async Tasks.Task<bool> HasActorAsync(TestNode node, string chainId)
    {
        var path = $"/system/sharding/{ChainBook.RegionName}/*/{BookOf(chainId, 1)}/{chainId}~*";
        try
        {
            await node.System.ActorSelection(path).ResolveOne(TimeSpan.FromMilliseconds(300));
            return true;
        }
        catch (Akka.Actor.ActorNotFoundException)
        {
            return false;
        }
    }

    private static Tasks.Task<IReadOnlyList<ChainsWritten>> RowsAsync(TestNode node) => node.BookRowsAsync(BookOf("any", 1));

    public Tasks.Task InitializeAsync() => Tasks.Task.CompletedTask;

    public Tasks.Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        return Tasks.Task.CompletedTask;
    }
}
