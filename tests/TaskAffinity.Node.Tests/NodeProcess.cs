using System.Diagnostics;
using System.Text;

namespace TaskAffinity.Node.Tests;

/// <summary>
/// A real node process: <c>dotnet TaskAffinity.Node.dll ARGS</c> from the test's output folder (the node's
/// assembly, its runtimeconfig and the hocon/ folder are copied there), with stdout and stderr captured.
/// Disposing kills the whole process tree if it is still running.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    /// <summary>Variables that configure a node: cleared in the child unless a test sets them.</summary>
    private static readonly string[] NodeVariables =
    [
        "CLUSTER_IP", "CLUSTER_PORT", "CLUSTER_SEEDS", "TASKAFFINITY_ROLES", "TASKAFFINITY_DB", "TASKAFFINITY_CONNECTION_STRING",
        "TASKAFFINITY_DATA_DIR", "TASKAFFINITY_NODE_NAME", "TASKAFFINITY_CONFIG", "TASKAFFINITY_ADMIN_TOKEN",
    ];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waiters = [];
    private readonly object _gate = new();

    private NodeProcess(Process process) => _process = process;

    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "TaskAffinity.Node.dll");

    public int Id => _process.Id;

    public string Stdout { get { lock (_gate) return _stdout.ToString(); } }

    public string Stderr { get { lock (_gate) return _stderr.ToString(); } }

    public IReadOnlyList<string> StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public static NodeProcess Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(NodeDll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var name in NodeVariables)
            info.Environment.Remove(name);
        // Tests run many nodes side by side: each admin endpoint on a free port, unless a test says otherwise.
        info.Environment["TASKAFFINITY_ADMIN"] = "127.0.0.1:0";
        foreach (var (name, value) in env ?? new Dictionary<string, string>())
            info.Environment[name] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Received(e.Data, node._stdout);
        process.ErrorDataReceived += (_, e) => node.Received(e.Data, node._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Runs a node to its end; kills it and fails if it has not exited within <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, NodeProcess Node)> RunAsync(string workingDirectory, IEnumerable<string> args,
        TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        var node = Start(workingDirectory, args, env);
        try
        {
            var code = await node.WaitForExitAsync(timeout);
            return (code, node);
        }
        finally
        {
            node.Dispose();
        }
    }

    /// <summary>The exit code; throws <see cref="TimeoutException"/> (with the output so far) if the process is still running.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token); // also waits for stdout and stderr to be read to their end
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the node did not exit within {timeout.TotalSeconds} s\n{Transcript()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits until a stdout or stderr line matches; throws <see cref="TimeoutException"/> if none does in time or the process exits first.</summary>
    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if ((_stdout.ToString() + _stderr).Split('\n').Any(match))
                return;
            _waiters.Add((match, seen));
        }
        var exited = _process.WaitForExitAsync();
        var finished = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (finished == seen.Task)
            return;
        var why = finished == exited ? $"the node exited (code {_process.ExitCode}) first" : $"none within {timeout.TotalSeconds} s";
        throw new TimeoutException($"no matching output line: {why}\n{Transcript()}");
    }

    /// <summary>A free TCP port on the loopback interface (free now; a process should take it soon).</summary>
    public static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The lines of a file another process is still writing (a node's logs).</summary>
    public static IReadOnlyList<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>SIGKILL, at once: nothing in the process runs after it.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public bool HasExited => _process.HasExited;

    public string Transcript() => $"--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";

    private void Received(string? line, StringBuilder into)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            into.Append(line).Append('\n');
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // never started, or already gone
        }
        _process.Dispose();
    }
}

/// <summary>A fresh folder under the system temp folder, deleted (best effort) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateDirectory(
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "taskaffinity-node-tests", Guid.NewGuid().ToString("N"))).FullName;

    public string File(string name, string contents)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
