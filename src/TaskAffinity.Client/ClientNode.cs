using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskAffinity.Cluster.Hosting;

namespace TaskAffinity.Client;

/// <summary>
/// A process that joins the cluster with role <c>client</c> (it hosts no entities and runs no tasks) and offers
/// a <see cref="TaskAffinityClient"/>. Dispose it to leave the cluster.
/// </summary>
public sealed class ClientNode : IAsyncDisposable
{
    private readonly IHost _host;

    private ClientNode(IHost host, TaskAffinityClient client, ActorSystem system)
    {
        _host = host;
        Client = client;
        System = system;
    }

    public TaskAffinityClient Client { get; }

    public ActorSystem System { get; }

    /// <summary>Joins through <paramref name="seeds"/> and returns once a scheduler-role node is Up and reachable.</summary>
    public static async Task<ClientNode> ConnectAsync(IEnumerable<string> seeds, TimeSpan timeout, string hostname = "127.0.0.1", int port = 0,
        ClientSettings? settings = null, Action<ILoggingBuilder>? logging = null)
    {
        var options = new NodeOptions
        {
            NodeName = $"client-{Environment.ProcessId}",
            Hostname = hostname,
            Port = port,
            Seeds = [.. seeds],
            Roles = [NodeOptions.ClientRole],
        };
        var host = new HostBuilder()
            .ConfigureLogging(l => { l.ClearProviders(); logging?.Invoke(l); })
            .ConfigureServices(s => s.AddTaskAffinity(options))
            .Build();
        await host.StartAsync().ConfigureAwait(false);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var router = await ActorRegistry.For(system).GetAsync<TaskRouter>().ConfigureAwait(false);

        using var cts = new CancellationTokenSource(timeout);
        var cluster = Akka.Cluster.Cluster.Get(system);
        while (!cluster.State.Members.Any(m => m.Status == MemberStatus.Up && m.HasRole(NodeOptions.SchedulerRole))
               || cluster.SelfMember.Status != MemberStatus.Up)
        {
            if (cts.IsCancellationRequested)
            {
                await host.StopAsync().ConfigureAwait(false);
                host.Dispose();
                throw new TimeoutException($"no scheduler node was reachable through {string.Join(", ", options.Seeds)} within {timeout}");
            }
            await Task.Delay(100).ConfigureAwait(false);
        }
        return new ClientNode(host, new TaskAffinityClient(system, router, settings), system);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }
}
