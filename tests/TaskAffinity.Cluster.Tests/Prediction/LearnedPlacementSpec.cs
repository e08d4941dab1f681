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
/// The whole learning loop on a real node: workers report outcomes to the predictor, the predictor publishes
/// its model, the scheduler places with it. Slot 0 runs "Render" three times faster than the others; after a
/// warm-up, the scheduler sends most Render tasks there.
/// </summary>
public sealed class LearnedPlacementSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task After_warm_up_most_tasks_go_to_the_worker_that_runs_them_fastest()
    {
        var render = new RecordingHandler("Render", async c =>
        {
            await Task.Delay(c.WorkerId.EndsWith("/0", StringComparison.Ordinal) ? 15 : 45);
            return c.WorkerId;
        });
        await using var node = await TestNode.StartAsync(_dataDirectory, s => s.AddTaskHandler(render), """
            taskaffinity.predictor.batch-window = 20ms
            taskaffinity.predictor.publish-interval = 100ms
            """);

        // warm-up: one task at a time, so every slot has room and exploration spreads the first ones
        await RunAsync(node, "warm", 80);
        var model = await node.System.ActorSelection("/user/predictor-proxy").Ask<ModelSnapshot>(GetModel.Instance, TimeSpan.FromSeconds(10));
        model.Profiles.Select(p => p.WorkerId).Distinct().Count().ShouldBeGreaterThan(1, "the warm-up should have tried several workers");
        await Task.Delay(300); // the latest model reaches the scheduler

        // measured: where do the next ones go?
        var workers = await RunAsync(node, "measured", 60);
        var share = workers.Count(w => w.EndsWith("/0", StringComparison.Ordinal)) / (double)workers.Count;
        output.WriteLine($"share of Render tasks on the fast worker after warm-up: {share:P1}");
        share.ShouldBeGreaterThanOrEqualTo(0.8);
    }

    private static async Task<List<string>> RunAsync(TestNode node, string prefix, int count)
    {
        var workers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var finished = await node.Client.RunAsync($"{prefix}-{i}", "tests", [new TaskSpec { Id = "r", Type = "Render" }], TimeSpan.FromSeconds(30));
            finished.Phase.ShouldBe(ChainPhase.Completed);
            workers.Add(finished.Tasks[0].WorkerId!);
        }
        return workers;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
