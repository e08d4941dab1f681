using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Workloads;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Node.Demo;

/// <summary>
/// Submits the sessions at their arrival times through the client, awaits every acknowledged chain, shows
/// progress every two seconds, and gathers the figures of the summary.
/// </summary>
internal sealed class DemoRunner(IServiceProvider services, DemoWorkload workload, TextWriter output)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentBag<ChainFinished> _finished = new();
    private int _submitted, _acknowledged, _rejected, _tasksSubmitted;

    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        var system = services.GetRequiredService<ActorSystem>();
        var registry = ActorRegistry.For(system);
        var client = new TaskAffinityClient(system, await registry.GetAsync<TaskRouter>(cancellationToken));
        await SchedulerReadiness.WaitAsync(system, s => s.WorkersOnline > 0 && s.ServedTypes.Length > 0, TimeSpan.FromSeconds(60),
            "no worker came online", cancellationToken);

        var plans = SnapshotSessions.Generate(workload.Sessions, workload.Seed, workload.Rate, $"demo-{DateTime.UtcNow:HHmmss}").ToList();
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => PrintProgress(clock.Elapsed), null, ProgressEvery, ProgressEvery);

        var running = new List<Task>();
        foreach (var plan in plans)
        {
            var wait = plan.Arrival - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            running.Add(RunSessionAsync(client, plan, cancellationToken));
        }
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(DrainTimeout, cancellationToken));
        clock.Stop();
        PrintProgress(clock.Elapsed);
        var prefetch = services.GetRequiredService<PrefetchMetrics>().Report(services.GetRequiredService<HostData>());
        return DemoReport.From(workload, _submitted, _acknowledged, _rejected, _tasksSubmitted, [.. _finished], clock.Elapsed, prefetch);
    }

    private async Task RunSessionAsync(TaskAffinityClient client, SessionPlan plan, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _submitted);
        var result = await client.SubmitAsync(plan.ChainId, plan.AppId, plan.Tasks, cancellationToken);
        if (!result.Accepted)
        {
            Interlocked.Increment(ref _rejected);
            await output.WriteLineAsync($"rejected {plan.ChainId}: {result.Reason}");
            return;
        }
        Interlocked.Increment(ref _acknowledged);
        Interlocked.Add(ref _tasksSubmitted, plan.Tasks.Length);
        _finished.Add(await client.AwaitAsync(plan.ChainId, DrainTimeout, cancellationToken));
    }

    private void PrintProgress(TimeSpan elapsed)
    {
        var chains = _finished.ToArray();
        var tasksDone = chains.Sum(c => c.Tasks.Count(t => t.Phase == TaskPhase.Succeeded));
        output.WriteLine($"[{elapsed.TotalSeconds,6:0.0}s] sessions {_submitted}/{workload.Sessions} submitted  " +
                         $"chains done {chains.Length}/{_acknowledged}  tasks done {tasksDone}/{_tasksSubmitted}");
    }
}
