using System.Collections.Concurrent;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using TaskAffinity.Cluster.Staging;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Tests.Integration;
using TaskAffinity.Core.Tasks;
using Xunit;
using Xunit.Abstractions;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Tests.Prefetch;

/// <summary>
/// Prefetch buffers on a real node with two slots: both are stalled by a "Stall" task each, so the next task
/// waits in the buffer of one of them; the test then frees one slot or the other.
/// </summary>
public sealed class PrefetchSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
    private readonly ConcurrentDictionary<string, string> _stalledOn = new(); // stall chain → worker

    private RecordingHandler Stall() => new("Stall", async c =>
    {
        var gate = _gates.GetOrAdd(c.ChainId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _stalledOn[c.ChainId] = c.WorkerId;
        await gate.Task;
        return "released";
    });

    private Task<TestNode> StartAsync(params ITaskHandler[] handlers) =>
        TestNode.StartAsync(_dataDirectory, s =>
        {
            foreach (var handler in handlers) s.AddTaskHandler(handler);
        }, """
            taskaffinity.worker.slots = 2
            taskaffinity.prefetch.max-buffer-time = 1m
            taskaffinity.predictor.batch-window = 20ms
            taskaffinity.predictor.publish-interval = 100ms
            """);

    /// <summary>Stalls both slots; returns the worker each stall chain holds.</summary>
    private async Task<(string A, string B)> StallBothAsync(TestNode node)
    {
        await node.Client.SubmitAsync("stall-a", "tests", [Graphs.Task("s", "Stall")]);
        await node.Client.SubmitAsync("stall-b", "tests", [Graphs.Task("s", "Stall")]);
        await AwaitAsync(() => _stalledOn.Count == 2);
        return (_stalledOn["stall-a"], _stalledOn["stall-b"]);
    }

    private static async Task<string> WorkerHoldingAsync(TestNode node, string chainId)
    {
        string? worker = null;
        await AwaitAsync(async () =>
        {
            var status = await node.Client.GetStatusAsync(chainId);
            worker = status is ChainProtocol.ChainStatus { Tasks: [{ WorkerId: { } w }] } ? w : null;
            return worker is not null;
        });
        return worker!;
    }

    [Fact]
    public async Task A_buffered_task_of_a_stalled_worker_is_placed_on_the_worker_that_frees_up_and_runs_exactly_once()
    {
        var work = new RecordingHandler("Work", c => Task.FromResult(c.WorkerId));
        await using var node = await StartAsync(Stall(), work);
        var (a, b) = await StallBothAsync(node);
        b.ShouldNotBe(a);

        await node.Client.SubmitAsync("moved", "tests", [Graphs.Task("w")]);
        var holder = await WorkerHoldingAsync(node, "moved");
        var (stalled, freed) = holder == a ? ("stall-a", "stall-b") : ("stall-b", "stall-a");
        _gates[freed].SetResult(); // the other worker becomes idle; the holder stays stalled

        var finished = await node.Client.AwaitAsync("moved", Patience);
        output.WriteLine($"buffered on {holder}, ran on {finished.Tasks[0].WorkerId}");
        finished.Phase.ShouldBe(ChainPhase.Completed);
        finished.Tasks[0].WorkerId.ShouldNotBe(holder);
        finished.Tasks[0].WorkerId.ShouldBe(_stalledOn[freed]);
        _gates[stalled].Task.IsCompleted.ShouldBeFalse("the holder was still stalled when the task ran elsewhere");

        _gates[stalled].SetResult();
        await node.Client.AwaitAsync(stalled, Patience);
        await Task.Delay(500); // room for a wrongful second run on the former holder to show up
        work.RunsOf("moved", "w").ShouldBe(1);
        (await node.ChainEventsAsync("moved")).OfType<TaskSucceeded>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_task_that_waits_in_a_buffer_too_long_goes_back_and_is_placed_again_and_still_runs_exactly_once()
    {
        var work = new RecordingHandler("Work", c => Task.FromResult(c.WorkerId));
        await using var node = await TestNode.StartAsync(_dataDirectory, s =>
        {
            s.AddTaskHandler(Stall());
            s.AddTaskHandler(work);
        }, """
            taskaffinity.worker.slots = 1
            taskaffinity.prefetch.max-buffer-time = 200ms
            """);
        await node.Client.SubmitAsync("stall-a", "tests", [Graphs.Task("s", "Stall")]);
        await AwaitAsync(() => _stalledOn.ContainsKey("stall-a"));
        var metrics = node.Services.GetRequiredService<PrefetchMetrics>();
        var data = node.Services.GetRequiredService<HostData>();

        await node.Client.SubmitAsync("waits", "tests", [Graphs.Task("w")]);
        // the only worker is stalled: the task keeps going back to its chain and coming back to the buffer
        await AwaitAsync(() => metrics.Report(data).ReturnedExpired >= 2);
        work.RunsOf("waits", "w").ShouldBe(0);
        _gates["stall-a"].SetResult();

        var finished = await node.Client.AwaitAsync("waits", Patience);
        finished.Phase.ShouldBe(ChainPhase.Completed);
        output.WriteLine($"returned after max-buffer-time: {metrics.Report(data).ReturnedExpired} times before it ran");
        await Task.Delay(500); // room for a wrongful second run to show up
        work.RunsOf("waits", "w").ShouldBe(1);
        (await node.ChainEventsAsync("waits")).OfType<TaskSucceeded>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_refused_prefetched_task_is_placed_again_and_runs_once_and_the_refusal_lowers_the_workers_score_for_its_type()
    {
        var refusals = 0;
        var picky = new RecordingHandler("Picky", c =>
        {
            // the first time it comes from a buffer, its data is "not in the expected state"
            if (c.Prefetched && Interlocked.Increment(ref refusals) == 1)
                throw new TaskRefusedException("snapshot still being written");
            return Task.FromResult(c.WorkerId);
        });
        await using var node = await StartAsync(Stall(), picky);
        var (a, _) = await StallBothAsync(node);

        await node.Client.SubmitAsync("picky", "tests", [Graphs.Task("p", "Picky")]);
        var holder = await WorkerHoldingAsync(node, "picky");
        var (holderStall, otherStall) = holder == a ? ("stall-a", "stall-b") : ("stall-b", "stall-a");
        _gates[holderStall].SetResult(); // the holder takes it from its buffer and refuses it
        await AwaitAsync(() => Volatile.Read(ref refusals) >= 1);
        _gates[otherStall].SetResult();

        var finished = await node.Client.AwaitAsync("picky", Patience);
        finished.Phase.ShouldBe(ChainPhase.Completed);
        finished.Tasks[0].Attempts.ShouldBe(1); // a refusal is not a failed attempt
        picky.RunsOf("picky", "p").ShouldBe(2); // refused once, then run once
        (await node.ChainEventsAsync("picky")).OfType<TaskSucceeded>().ShouldHaveSingleItem();

        // the holder's profile for the type carries the refusal (even if it ran the task itself afterwards)
        double penalty = 0;
        await AwaitAsync(async () =>
        {
            var model = await node.System.ActorSelection("/user/predictor-proxy").Ask<ModelSnapshot>(GetModel.Instance, TimeSpan.FromSeconds(10));
            penalty = model.Profiles.SingleOrDefault(p => p.WorkerId == holder && p.Type == "Picky")?.Profile.Penalty ?? 0;
            return penalty > 0;
        });
        output.WriteLine($"penalty of ({holder}, Picky) after the refusal: {penalty:0.###}");
    }

    private static Task AwaitAsync(Func<bool> condition) => AwaitAsync(() => Task.FromResult(condition()));

    private static async Task AwaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(50);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var gate in _gates.Values) gate.TrySetResult();
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}
