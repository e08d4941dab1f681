using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Core.Workloads;

namespace TaskAffinity.Node.Demo;

/// <summary>
/// The built-in sample service: snapshots of block volumes. Every operation reads its input through the
/// node's cache from a <see cref="SimulatedBlockStore"/>, so a task costs real time that depends on the bytes
/// it has to fetch, then computes for a moment.
/// </summary>
public static class SnapshotService
{
    public static IServiceCollection AddSnapshotService(this IServiceCollection services, BlockStoreSettings settings)
    {
        var store = new SimulatedBlockStore(settings);
        services.AddSingleton(store);
        services.AddSingleton<IDataSource>(store);
        foreach (var type in new[] { SnapshotSessions.Create, SnapshotSessions.Delete, SnapshotSessions.Copy, SnapshotSessions.View, SnapshotSessions.Share })
            services.AddTaskHandler(new SnapshotHandler(type, settings));
        return services;
    }
}

/// <summary>One snapshot operation: read each input through the cache, compute, then report what was done.</summary>
internal sealed class SnapshotHandler(TaskType type, BlockStoreSettings settings) : ITaskHandler
{
    public TaskType Type { get; } = type;

    public async Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        // Transient faults, decided by task id and attempt so a run is reproducible and a retry can succeed.
        if (settings.FailureRate > 0 && StableHash.Fraction(context.ChainId, context.TaskId, context.Attempt.ToString()) < settings.FailureRate)
            throw new IOException($"block store timed out reading for {Type.Name} (simulated transient fault)");

        foreach (var input in context.Spec.Inputs)
            await context.ReadInputAsync(input, cancellationToken).ConfigureAwait(false);
        if (settings.ComputeTime > TimeSpan.Zero)
            await Task.Delay(settings.ComputeTime, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Serialize(new { op = Type.Name, bytes = context.BytesRead });
    }
}
