using System.Collections.Immutable;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Scheduling;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// A real single node (cluster, sharding, journal, slots) on a random port, booted through the same hosting
/// code as the executable. Timings are shortened so lease and retry paths run in test time.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string FastTimings = """
        taskaffinity.chains.lease-check-interval = 300ms
        taskaffinity.chains.lease-timeout = 3s
        taskaffinity.chains.passivate-finished-after = 5s
        taskaffinity.worker.slots = 4
        taskaffinity.worker.slot-heartbeat = 1s
        taskaffinity.worker.outcome-resend-interval = 500ms
        """;

    private readonly IHost _host;

    private TestNode(IHost host, NodeOptions options)
    {
        _host = host;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        Client = new TaskAffinityClient(System, ActorRegistry.For(System).Get<TaskRouter>(), new ClientSettings { AskTimeout = TimeSpan.FromSeconds(15) });
    }

    public NodeOptions Options { get; }
    public ActorSystem System { get; }
    public TaskAffinityClient Client { get; }

    /// <summary>The node's services (its prefetch metrics, host data, ...).</summary>
    public IServiceProvider Services => _host.Services;

    public string Address => Akka.Cluster.Cluster.Get(System).SelfAddress.ToString();

    public static async Task<TestNode> StartAsync(string dataDirectory, Action<IServiceCollection> handlers, string extraHocon = "",
        string name = "node1", ImmutableArray<string> roles = default, ImmutableArray<string> seeds = default,
        TestDatabase? database = null)
    {
        database ??= TestDatabase.Sqlite;
        var options = new NodeOptions
        {
            Database = database.Kind,
            ConnectionString = database.ConnectionString,
            NodeName = name,
            Port = 0,
            DataDirectory = dataDirectory,
            Roles = roles.IsDefault ? new NodeOptions().Roles : roles,
            Seeds = seeds.IsDefault ? [] : seeds,
            ExtraHocon = FastTimings + "\n" + extraHocon, // a test's own settings win
        };
        var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services =>
            {
                handlers(services);
                services.AddTaskAffinity(options);
            })
            .Build();
        await host.StartAsync();
        var node = new TestNode(host, options);
        await node.WaitForWorkersAsync();
        return node;
    }

    /// <summary>Waits until the scheduler sees every slot of this node online.</summary>
    public Task WaitForWorkersAsync()
    {
        var slots = System.Settings.Config.GetInt("taskaffinity.worker.slots");
        return SchedulerReadiness.WaitAsync(System, s => s.WorkersOnline >= slots, TimeSpan.FromSeconds(30), "the node's workers did not come online");
    }

    /// <summary>A chain's events as its book wrote them, with each checkpoint expanded into the outcomes and end it records.</summary>
    public async Task<IReadOnlyList<object>> ChainEventsAsync(string chainId) =>
        [.. (await ChainJournalAsync(chainId)).SelectMany(e => e is ChainCheckpoint c ? c.Expand() : Enumerable.Repeat(e, 1))];

    /// <summary>A chain's entries in its book's journal rows (its submission, then its checkpoints), in the order written.</summary>
    public async Task<IReadOnlyList<IChainEvent>> ChainJournalAsync(string chainId)
    {
        var book = ChainBookProtocol.BookOf(chainId, _host.Services.GetRequiredService<TaskAffinitySettings>().ChainBooks);
        return [.. (await BookRowsAsync(book)).SelectMany(row =>
            row.Accepted.Where(a => a.ChainId == chainId).Cast<IChainEvent>().Concat(row.Checkpoints.Where(c => c.ChainId == chainId)))];
    }

    /// <summary>A chain book's journal rows, in the order written (those before its last snapshot are deleted).</summary>
    public async Task<IReadOnlyList<ChainBookProtocol.ChainsWritten>> BookRowsAsync(string bookId)
    {
        var journal = PersistenceQuery.Get(System).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var rows = await journal.CurrentEventsByPersistenceId($"chain-{bookId}", 0L, long.MaxValue)
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), System.Materializer());
        return [.. rows.OfType<ChainBookProtocol.ChainsWritten>()];
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
