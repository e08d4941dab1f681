using System.Globalization;
using Akka.Actor;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Hosting;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;

namespace TaskAffinity.Node.Tests.Cluster;

/// <summary>
/// A cluster of real node processes (<c>dotnet TaskAffinity.Node.dll</c>) on 127.0.0.1, sharing one PostgreSQL
/// database, each with its own data folder and run log. The first two nodes are the seeds, as in
/// docker/docker-compose.yml. Nodes are started in order, so node1 is the oldest.
/// </summary>
internal sealed class NodeCluster : IAsyncDisposable
{
    public const int SlotsPerNode = 8;

    /// <summary>
    /// Every setting not named here keeps the default an operator gets: failure detection, split-brain
    /// resolver, leases and heartbeats are what is measured. Tasks take 100 ms (unless a test says otherwise) and never fail, so every
    /// second start of a task in the run logs is a real rerun.
    /// </summary>
    private static string Config(string computeTime) => $"""
        taskaffinity.worker.slots = {SlotsPerNode}
        taskaffinity.worker.run-log = "runs.log"
        taskaffinity.sample-service {"{"} failure-rate = 0, compute-time = {computeTime}, latency = 1ms {"}"}
        """;

    private readonly TempFolder _folder;
    private readonly string _connectionString;
    private readonly Dictionary<string, NodeProcess> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _seeds;
    private readonly string _configFile;

    private NodeCluster(TempFolder folder, string connectionString, IReadOnlyList<string> names, string computeTime)
    {
        _folder = folder;
        _connectionString = connectionString;
        Names = names;
        Ports = names.ToDictionary(n => n, _ => NodeProcess.FreePort(), StringComparer.Ordinal);
        AdminPorts = names.ToDictionary(n => n, _ => NodeProcess.FreePort(), StringComparer.Ordinal);
        _seeds = names.Take(2).Select(n => AddressOf(n)).ToList();
        _configFile = folder.File("cluster-test.conf", Config(computeTime));
    }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyDictionary<string, int> Ports { get; }

    /// <summary>Each node's admin endpoint (tactl), on loopback.</summary>
    public IReadOnlyDictionary<string, int> AdminPorts { get; }

    public string AdminOf(string name) => $"127.0.0.1:{AdminPorts[name]}";

    public IReadOnlyList<string> Seeds => _seeds;

    public NodeProcess this[string name] => _nodes[name];

    public string AddressOf(string name) => $"akka.tcp://taskaffinity@127.0.0.1:{Ports[name]}";

    public string RunLogOf(string name) => Path.Combine(_folder.Path, name, "runs.log");

    /// <summary>The node's log file lines (DATA/logs/node-*.log) with their timestamps; continuation lines are left out.</summary>
    public IEnumerable<(DateTimeOffset At, string Text)> LogOf(string name)
    {
        var folder = Path.Combine(_folder.Path, name, "logs");
        if (!Directory.Exists(folder)) yield break;
        foreach (var file in Directory.GetFiles(folder, "node-*.log"))
        {
            foreach (var line in NodeProcess.ReadShared(file))
            {
                var space = line.IndexOf(' ');
                if (space > 0 && DateTimeOffset.TryParse(line[..space], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                    yield return (at, line[(space + 1)..]);
            }
        }
    }

    /// <summary>Starts node1, waits until it registered its host (the cluster is formed), then the others together.</summary>
    public static async Task<NodeCluster> StartAsync(TempFolder folder, string connectionString, int nodes = 3, string computeTime = "100ms")
    {
        var cluster = new NodeCluster(folder, connectionString, Enumerable.Range(1, nodes).Select(i => $"node{i}").ToList(), computeTime);
        try
        {
            await cluster.StartNodesAsync(cluster.Names.Take(1));
            await cluster.StartNodesAsync(cluster.Names.Skip(1));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or starts again, on the same port and data folder) the named nodes and waits for each to register its host.</summary>
    public async Task StartNodesAsync(IEnumerable<string> names)
    {
        var started = names.Select(name =>
        {
            var process = NodeProcess.Start(_folder.Path,
            [
                "--name", name, "--port", Ports[name].ToString(CultureInfo.InvariantCulture), "--seeds", string.Join(",", _seeds),
                "--db", "postgresql", "--connection-string", _connectionString,
                "--data-dir", Path.Combine(_folder.Path, name), "--config", _configFile,
            ], new Dictionary<string, string> { ["TASKAFFINITY_ADMIN"] = AdminOf(name) });
            _nodes[name] = process;
            return (name, process);
        }).ToList();
        await Task.WhenAll(started.Select(s =>
            s.process.WaitForLineAsync(l => l.Contains($"Host {s.name} registered", StringComparison.Ordinal), TimeSpan.FromSeconds(90))));
    }

    /// <summary>Waits until a scheduler sees <paramref name="workers"/> workers online (each node's slots announced and published).</summary>
    public static async Task WaitForWorkersAsync(ClientNode client, int workers, TimeSpan timeout)
    {
        var router = Akka.Hosting.ActorRegistry.For(client.System).Get<TaskRouter>();
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var status = await router.Ask<SchedulerStatus>(GetSchedulerStatus.Instance, TimeSpan.FromSeconds(5));
                seen = status.WorkersOnline;
                if (seen >= workers) return;
            }
            catch (AskTimeoutException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"a scheduler saw {seen} of {workers} workers online after {timeout}");
    }

    /// <summary>SIGKILL: the process gets no chance to leave, write or hand anything over.</summary>
    public void Kill(string name) => _nodes[name].Kill();

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values)
            node.Dispose();
        return ValueTask.CompletedTask;
    }
}
