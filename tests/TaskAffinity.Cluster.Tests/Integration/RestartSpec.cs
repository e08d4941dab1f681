using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Tasks;
using Xunit;
using Xunit.Abstractions;
using static TaskAffinity.Cluster.Tests.Integration.Graphs;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// The node's ActorSystem is stopped in the middle of a run and a new one starts on the same database:
/// every acknowledged chain completes, none is lost, none completes twice.
/// </summary>
public abstract class RestartSpec(DatabaseKind databaseKind, ITestOutputHelper output) : IAsyncLifetime
{
    private const int ChainCount = 60;
    private const int Length = 3;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingHandler _step = new(new TaskType("Step"), async _ => { await System.Threading.Tasks.Task.Delay(150); return "done"; });
    private TestDatabase _database = null!; // both nodes use this one

    [Fact]
    public async Task Every_acknowledged_chain_completes_exactly_once_after_a_restart_mid_run()
    {
        // arrange: a node with work in full swing
        var first = await StartNodeAsync();
        var ids = Enumerable.Range(0, ChainCount).Select(i => $"restart-{i:D2}").ToList();
        var acknowledged = new ConcurrentBag<string>();
        await System.Threading.Tasks.Task.WhenAll(ids.Select(async id =>
        {
            var result = await first.Client.SubmitAsync(id, "tests", Linear(Length, "Step"));
            if (result.Accepted) acknowledged.Add(id);
        }));
        acknowledged.Count.ShouldBe(ChainCount);
        await Poll.UntilAsync(() => TotalRuns >= 40, TimeSpan.FromSeconds(30));

        // act: stop the ActorSystem mid-run, then start a new one on the same database
        await first.DisposeAsync();
        var runsAtStop = TotalRuns;
        output.WriteLine($"stopped after {runsAtStop} of {ChainCount * Length} task runs");
        runsAtStop.ShouldBeLessThan(ChainCount * Length, "the stop must come in the middle of the run");

        await using var second = await StartNodeAsync();
        // Nobody asks anything yet: remembered chains must wake up and carry on by themselves.
        await Poll.UntilAsync(() => TotalRuns >= runsAtStop + 10, TimeSpan.FromSeconds(30));

        // assert: every acknowledged chain completes ...
        var finished = await System.Threading.Tasks.Task.WhenAll(acknowledged.Select(id => second.Client.AwaitAsync(id, TimeSpan.FromSeconds(90))));
        finished.ShouldAllBe(f => f.Phase == ChainPhase.Completed);
        finished.Length.ShouldBe(ChainCount);

        // ... exactly once, as the journal shows, and each task's outcome was recorded once
        foreach (var id in acknowledged)
        {
            var events = await second.ChainEventsAsync(id);
            events.OfType<ChainFinishedEvent>().Count().ShouldBe(1, id);
            events.OfType<TaskSucceeded>().GroupBy(e => e.TaskId).ShouldAllBe(g => g.Count() == 1, id);
            events.OfType<TaskSucceeded>().Count().ShouldBe(Length, id);
        }

        // Only tasks that were running when the system stopped may have run a second time.
        var reruns = _step.Runs.Values.Count(n => n > 1);
        output.WriteLine($"tasks run twice: {reruns}; total runs {TotalRuns} for {ChainCount * Length} tasks");
        reruns.ShouldBeLessThanOrEqualTo(4); // the node's slot count
    }

    private int TotalRuns => _step.Runs.Values.Sum();

    private Task<TestNode> StartNodeAsync() =>
        TestNode.StartAsync(_dataDirectory, services => services.AddTaskHandler(_step), database: _database);

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(databaseKind);

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        return System.Threading.Tasks.Task.CompletedTask;
    }
}

public sealed class RestartOnSqlite(ITestOutputHelper output) : RestartSpec(DatabaseKind.Sqlite, output);

public sealed class RestartOnPostgres(ITestOutputHelper output) : RestartSpec(DatabaseKind.PostgreSql, output);
