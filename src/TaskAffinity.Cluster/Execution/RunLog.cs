using System.Globalization;
using TaskAffinity.Cluster.Workers;

namespace TaskAffinity.Cluster.Execution;

/// <summary>
/// The node's audit of task runs (<c>taskaffinity.worker.run-log</c>): one tab-separated line when a slot
/// starts a task and one when it ends, <c>time  start|end  worker  chain  task  attempt  [result]</c>. Each line
/// is flushed at once, so the file stays complete up to the moment the process is killed: it is how an
/// operator (and the fail-over tests) can tell which tasks ran twice, and where.
/// </summary>
public sealed class RunLog : IDisposable
{
    public static readonly RunLog None = new(null);

    private readonly StreamWriter? _writer;
    private readonly object _gate = new();

    private RunLog(StreamWriter? writer) => _writer = writer;

    /// <summary>Opens (appending) the file at <paramref name="path"/>, relative to <paramref name="dataDirectory"/>; "" gives <see cref="None"/>.</summary>
    public static RunLog Open(string path, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(path)) return None;
        var full = Path.GetFullPath(Path.Combine(dataDirectory, path));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new RunLog(new StreamWriter(stream) { AutoFlush = true });
    }

    public void Started(string workerId, TaskKey task) => Write("start", workerId, task, "");

    public void Ended(string workerId, TaskKey task, string result) => Write("end", workerId, task, result);

    private void Write(string what, string workerId, TaskKey task, string result)
    {
        if (_writer is null) return;
        var line = string.Join('\t', DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), what, workerId, task.ChainId, task.TaskId,
            task.Attempt.ToString(CultureInfo.InvariantCulture), result);
        lock (_gate)
            _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate)
            _writer?.Dispose();
    }
}
