using Microsoft.Extensions.DependencyInjection;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// One node shared by a test class: handlers Work (records), Flaky (fails its first two attempts),
/// AlwaysFails (retried once, then fails for good), Slow (sleeps 300 ms). Chains are limited to 50 tasks.
/// The subclasses differ only in the journal's database, so the same specs run on each.
/// </summary>
public abstract class SharedNode(DatabaseKind database) : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "taskaffinity-tests", Guid.NewGuid().ToString("N"));

    internal RecordingHandler Work { get; } = new(new TaskType("Work"));
    internal RecordingHandler Flaky { get; } = new(new TaskType("Flaky"), c =>
        c.Attempt <= 2 ? throw new InvalidOperationException($"flaky failure on attempt {c.Attempt}") : Task.FromResult("ok"));
    internal RecordingHandler AlwaysFails { get; } = new(new TaskType("AlwaysFails"), _ => throw new InvalidOperationException("always fails"));
    internal RecordingHandler Slow { get; } = new(new TaskType("Slow"), async c => { await Task.Delay(300); return "slow"; });

    internal TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await TestNode.StartAsync(_dataDirectory, services =>
        {
            services.AddTaskHandler(Work);
            services.AddTaskHandler(Flaky);
            services.AddTaskHandler(AlwaysFails);
            services.AddTaskHandler(Slow);
        }, """
           taskaffinity.chains.max-tasks = 50
           taskaffinity.chains.retry-limits { default = 3, AlwaysFails = 1 }
           taskaffinity.host.capacity { cpu = 8, memory-mb = 8192, io-mbps = 500, network-mbps = 1000, gpu = 0 }
           """, database: await TestDatabase.CreateAsync(database));

    public async Task DisposeAsync()
    {
        if (Node is not null) await Node.DisposeAsync(); // null when it did not start: that error is the one to see
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed class SqliteNode() : SharedNode(DatabaseKind.Sqlite);

public sealed class PostgresNode() : SharedNode(DatabaseKind.PostgreSql);
