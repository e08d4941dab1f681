using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Core.Workloads;

namespace TaskAffinity.Node.Demo;

/// <summary>
/// The built-in sample service: snapshots of block volumes. Every operation reads its inputs from a
/// <see cref="SimulatedBlockStore"/>, so a task costs real time that depends on the bytes it touches.
/// </summary>
public static class SnapshotService
{
    public static IServiceCollection AddSnapshotService(this IServiceCollection services, BlockStoreSettings settings)
    {
        var store = new SimulatedBlockStore(settings);
        services.AddSingleton(store);
        // Per operation: how much of each input it reads (a view reads the index, a copy reads everything).
        services.AddTaskHandler(new SnapshotHandler(SnapshotSessions.Create, store, readFraction: 1.0, failureRate: settings.FailureRate));
        services.AddTaskHandler(new SnapshotHandler(SnapshotSessions.Delete, store, readFraction: 0.05, failureRate: settings.FailureRate));
        services.AddTaskHandler(new SnapshotHandler(SnapshotSessions.Copy, store, readFraction: 1.0, failureRate: settings.FailureRate));
        services.AddTaskHandler(new SnapshotHandler(SnapshotSessions.View, store, readFraction: 0.25, failureRate: settings.FailureRate));
        services.AddTaskHandler(new SnapshotHandler(SnapshotSessions.Share, store, readFraction: 0.1, failureRate: settings.FailureRate));
        return services;
    }
}

/// <summary>One snapshot operation: read (part of) each input from the block store, then report what was done.</summary>
internal sealed class SnapshotHandler(TaskType type, SimulatedBlockStore store, double readFraction, double failureRate) : ITaskHandler
{
    public TaskType Type { get; } = type;

    public async Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // Transient faults, decided by task id and attempt so a run is reproducible and a retry can succeed.
        if (failureRate > 0 && StableHash.Fraction(context.ChainId, context.TaskId, context.Attempt.ToString()) < failureRate)
            throw new IOException($"block store timed out reading for {Type.Name} (simulated transient fault)");

        long read = 0;
        foreach (var input in context.Spec.Inputs)
            read += await store.ReadAsync(input.Key, (long)(input.SizeBytes * readFraction), cancellationToken).ConfigureAwait(false);
        context.AddBytesRead(read);
        return JsonSerializer.Serialize(new { op = Type.Name, bytes = read });
    }
}
