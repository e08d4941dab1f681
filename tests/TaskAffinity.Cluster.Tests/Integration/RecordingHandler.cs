using System.Collections.Concurrent;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>A test handler that records every execution (chain/task → runs) and behaves as told.</summary>
internal sealed class RecordingHandler(TaskType type, Func<TaskContext, Task<string>>? behaviour = null) : ITaskHandler
{
    private readonly ConcurrentDictionary<string, int> _runs = new();
    private readonly ConcurrentQueue<string> _order = new();

    public TaskType Type { get; } = type;

    public IReadOnlyDictionary<string, int> Runs => _runs;

    /// <summary>Task ids in the order their runs started.</summary>
    public IReadOnlyList<string> Order => [.. _order];

    public int RunsOf(string chainId, string taskId) => _runs.GetValueOrDefault($"{chainId}/{taskId}");

    public async Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken)
    {
        _runs.AddOrUpdate($"{context.ChainId}/{context.TaskId}", 1, (_, n) => n + 1);
        _order.Enqueue(context.TaskId);
        return behaviour is null ? $"{Type.Name}:{context.TaskId}" : await behaviour(context);
    }
}
