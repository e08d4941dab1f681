using System.Diagnostics;
using System.Net;
using Xunit;

namespace TaskAffinity.Node.Tests.Admin;

/// <summary>
/// One node process with its admin endpoint on a known port, and a few chains run through it by tactl, shared
/// by the admin tests. tactl runs as its own process, as an operator runs it.
/// </summary>
public sealed class AdminNode : IAsyncLifetime
{
    public const string Collection = "admin node";

    private readonly TempFolder _folder = new();
    private NodeProcess? _node;

    public int Port { get; } = NodeProcess.FreePort();

    public string Address => $"127.0.0.1:{Port}";

    public string Name => "adm";

    internal NodeProcess Node => _node!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public const int Chains = 12;

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_folder.Path, "fast.conf");
        await File.WriteAllTextAsync(config, "taskaffinity.monitor.interval = 500ms\ntaskaffinity.predictor.publish-interval = 200ms\ntaskaffinity.worker.slots = 4\n");
        _node = NodeProcess.Start(_folder.Path, ["--port", "0", "--name", Name, "--data-dir", Path.Combine(_folder.Path, "data"), "--config", config],
            new Dictionary<string, string> { ["TASKAFFINITY_ADMIN"] = Address });
        await WaitReadyAsync();
        // Ready is about the node (member, journal, regions); tasks are admitted once the scheduler has heard from workers.
        await WaitForAsync(async () => (await Http.PostAsync($"http://{Address}/cmd",
                new StringContent("""{"args":["hosts","show"]}""", System.Text.Encoding.UTF8, "application/json"))
            .ContinueWith(r => r.Result.Content.ReadAsStringAsync()).Unwrap()).Contains("\"online\":4", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the four workers to be online");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the scheduler hears the same statuses; give it a moment

        var graph = Path.Combine(_folder.Path, "chain.json");
        await File.WriteAllTextAsync(graph, """
            {"appId": "admin-test", "tasks": [
              {"id": "a", "type": "SnapshotCreate", "inputs": [{"key": "vol/1", "sizeBytes": 200000}]},
              {"id": "b", "type": "SnapshotCopy", "dependsOn": ["a"], "inputs": [{"key": "vol/1", "sizeBytes": 200000}]},
              {"id": "c", "type": "SnapshotView", "dependsOn": ["b"]}]}
            """);
        // one interactive session: a line per submission
        var lines = string.Concat(Enumerable.Range(0, Chains).Select(_ => $"tasks submit --file {graph}\n")) + "exit\n";
        var (code, stdout, stderr) = await Tactl([Address], lines);
        if (code != 0 || stdout.Split('\n').Count(l => l.Contains("accepted", StringComparison.Ordinal)) != Chains)
            throw new InvalidOperationException($"submitting through tactl failed ({code}):\n{stdout}\n{stderr}\n{_node.Transcript()}");
        await WaitForAsync(async () => (await Http.GetStringAsync($"http://{Address}/metrics")).Contains($"taskaffinity_tasks_completed_total{{type=\"SnapshotView\"}} {Chains}"),
            TimeSpan.FromSeconds(60), "every submitted chain to complete");
    }

    private async Task WaitReadyAsync() => await WaitForAsync(async () =>
    {
        if (_node!.HasExited) throw new InvalidOperationException($"the node exited\n{_node.Transcript()}");
        try
        {
            return (await Http.GetAsync($"http://{Address}/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, TimeSpan.FromSeconds(90), "the node to be ready");

    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>Runs <c>tactl</c> (the built tactl.dll) with the given arguments and standard input; its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> Tactl(IEnumerable<string> args, string stdin = "")
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tactl.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("TACTL_ADDRESS");
        info.Environment.Remove("TACTL_TOKEN");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public Task DisposeAsync()
    {
        Http.Dispose();
        _node?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(AdminNode.Collection)]
public sealed class AdminNodeCollection : ICollectionFixture<AdminNode>;
