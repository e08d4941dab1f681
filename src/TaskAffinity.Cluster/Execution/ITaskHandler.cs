using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Execution;

/// <summary>
/// Runs tasks of one type. Register implementations in DI (<c>services.AddTaskHandler&lt;T&gt;()</c>); every
/// worker-role node serves the types of the handlers it has. A handler reports failure by throwing; the
/// exception message becomes the task's error. The same task may run more than once after a node fails,
/// so side effects should be idempotent on <see cref="TaskContext.TaskId"/>.
/// </summary>
public interface ITaskHandler
{
    TaskType Type { get; }

    /// <returns>The task's output, stored with its outcome and returned to the application.</returns>
    Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about the task it runs, and where it reports what it used.</summary>
public sealed class TaskContext(string chainId, string taskId, int attempt, string workerId, string hostId, TaskSpec spec)
{
    private long _bytesRead;

    public string ChainId { get; } = chainId;
    public string TaskId { get; } = taskId;
    public int Attempt { get; } = attempt;
    public string WorkerId { get; } = workerId;
    public string HostId { get; } = hostId;
    public TaskSpec Spec { get; } = spec;

    /// <summary>Resources the handler measured; when it reports none, the task's request is taken as its use.</summary>
    public ResourceVector? ResourcesUsed { get; private set; }

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public void ReportUsage(ResourceVector used) => ResourcesUsed = used;

    public void AddBytesRead(long bytes) => Interlocked.Add(ref _bytesRead, bytes);
}
