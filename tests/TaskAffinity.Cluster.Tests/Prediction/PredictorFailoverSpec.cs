using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Tests.Integration;
using TaskAffinity.Core.Tasks;
using Xunit;
using Xunit.Abstractions;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Tests.Prediction;

/// <summary>
/// Two in-process nodes on one journal. The predictor singleton learns on the oldest node; that node leaves,
/// the singleton moves to the other and resumes from its snapshot with what it had learned.
/// </summary>
public abstract class PredictorFailoverSpec(DatabaseKind databaseKind, ITestOutputHelper output) : IAsyncLifetime
{
    private const string FastModel = """
        taskaffinity.predictor.batch-window = 50ms
        taskaffinity.predictor.publish-interval = 200ms
        taskaffinity.predictor.snapshot-interval = 300ms
        """;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));
    private TestDatabase _database = null!; // both nodes use this one

    [Fact]
    public async Task Predictor_fail_over_keeps_the_learned_model()
    {
        // arrange: two nodes; alpha (oldest) hosts the predictor
        var alpha = await StartAsync("alpha");
        await using var beta = await StartAsync("beta", alpha.Address);

        // Sessions of the form Open → Read → Close teach the model that Read follows Open.
        var chains = Enumerable.Range(0, 20).Select(i => alpha.Client.RunAsync($"learn-{i}", "tests",
        [
            new TaskSpec { Id = "1", Type = "Open" },
            new TaskSpec { Id = "2", Type = "Read", DependsOn = ["1"] },
            new TaskSpec { Id = "3", Type = "Close", DependsOn = ["2"] },
        ], TimeSpan.FromSeconds(60)));
        (await Task.WhenAll(chains)).ShouldAllBe(c => c.Phase == ChainPhase.Completed);

        var before = await ModelAsync(beta, m => m.Stats.Observations >= 60);
        before.Transitions.P("Open", "Read").ShouldBeGreaterThan(0.8);
        await Task.Delay(1000); // at least one snapshot interval after the last observation

        // act: the predictor's node leaves; the singleton starts on beta
        await alpha.DisposeAsync();

        // assert: beta's predictor answers with the model learned on alpha, not an empty one
        var after = await ModelAsync(beta, m => m.Stats.Observations > 0, TimeSpan.FromSeconds(60));
        output.WriteLine($"observations before {before.Stats.Observations}, after fail-over {after.Stats.Observations}; " +
                         $"P(Read|Open) before {before.Transitions.P("Open", "Read"):0.###}, after {after.Transitions.P("Open", "Read"):0.###}");
        after.Stats.Observations.ShouldBe(before.Stats.Observations);
        after.Transitions.P("Open", "Read").ShouldBe(before.Transitions.P("Open", "Read"), tolerance: 1e-9);
        after.Profiles.Select(p => (p.WorkerId, p.Type)).ShouldBe(before.Profiles.Select(p => (p.WorkerId, p.Type)), ignoreOrder: true);
    }

    private async Task<TestNode> StartAsync(string name, string? seed = null) =>
        await TestNode.StartAsync(_dataDirectory, services =>
        {
            foreach (var type in new[] { "Open", "Read", "Close" })
                services.AddTaskHandler(new RecordingHandler(type));
        }, FastModel, name, seeds: seed is null ? default : [seed], database: _database);

    /// <summary>Asks the predictor (through this node's singleton proxy) until its model satisfies <paramref name="ready"/>.</summary>
    private static async Task<ModelSnapshot> ModelAsync(TestNode node, Func<ModelSnapshot, bool> ready, TimeSpan? timeout = null)
    {
        var predictor = await ActorRegistry.For(node.System).GetAsync<PredictorKey>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                var model = await predictor.Ask<ModelSnapshot>(GetModel.Instance, TimeSpan.FromSeconds(3));
                if (ready(model)) return model;
            }
            catch (AskTimeoutException)
            {
                // the singleton is moving
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the predictor's model did not become ready");
            await Task.Delay(200);
        }
    }

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(databaseKind);

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

public sealed class PredictorFailoverOnSqlite(ITestOutputHelper output) : PredictorFailoverSpec(DatabaseKind.Sqlite, output);

public sealed class PredictorFailoverOnPostgres(ITestOutputHelper output) : PredictorFailoverSpec(DatabaseKind.PostgreSql, output);
