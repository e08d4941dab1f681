using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Prefetch;
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

/// <summary>What a handler knows about the task it runs, where it reads its inputs, and where it reports what it used.</summary>
public sealed class TaskContext(string chainId, string taskId, int attempt, string workerId, string hostId, TaskSpec spec,
    HostData? data = null, bool prefetched = false) : IDisposable
{
    private readonly List<DataLease> _leases = [];
    private bool _disposed;
    private long _bytesRead;

    public string ChainId { get; } = chainId;
    public string TaskId { get; } = taskId;
    public int Attempt { get; } = attempt;
    public string WorkerId { get; } = workerId;
    public string HostId { get; } = hostId;
    public TaskSpec Spec { get; } = spec;

    /// <summary>
    /// The task was taken from the worker's prefetch buffer, so the handler may refuse it as unsuitable by
    /// throwing <see cref="TaskRefusedException"/> before doing anything (e.g. its data is not in the expected state).
    /// </summary>
    public bool Prefetched { get; } = prefetched;

    /// <summary>Resources the handler measured; when it reports none, the task's request is taken as its use.</summary>
    public ResourceVector? ResourcesUsed { get; private set; }

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public void ReportUsage(ResourceVector used) => ResourcesUsed = used;

    public void AddBytesRead(long bytes) => Interlocked.Add(ref _bytesRead, bytes);

    /// <summary>
    /// Reads one input through the host's cache: a hit costs nothing, a miss fetches it from the node's
    /// <see cref="IDataSource"/>. The entry stays pinned in the cache until the task ends. Counts the bytes read.
    /// </summary>
    public async Task<object?> ReadInputAsync(DataRef input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (data is null)
            throw new InvalidOperationException("this task context has no host data: it was not created by a worker slot");
        var (value, lease) = await data.ReadAsync(input, cancellationToken).ConfigureAwait(false);
        AddBytesRead(input.SizeBytes);
        if (lease is not null)
            lock (_leases)
            {
                if (_disposed) lease.Dispose(); // the task already ended (timed out): do not keep it pinned
                else _leases.Add(lease);
            }
        return value;
    }

    /// <summary>Unpins what the task read.</summary>
    public void Dispose()
    {
        lock (_leases)
        {
            _disposed = true;
            foreach (var lease in _leases) lease.Dispose();
            _leases.Clear();
        }
    }
}

/// <summary>
/// Thrown by a handler to refuse a task taken from the prefetch buffer (<see cref="TaskContext.Prefetched"/>)
/// as unsuitable. The task goes back to its chain and is placed again; the refusal lowers the worker's score
/// for the type. Thrown for a task that was not prefetched, it is an ordinary failure.
/// </summary>
public sealed class TaskRefusedException(string reason) : Exception(reason);
