using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Prediction;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Benchmarks.EndToEnd;

/// <summary>
/// A real node (scheduler and worker roles, the same hosting code as the executable) and a client node that
/// joins it over TCP, as an application would.
/// </summary>
internal sealed class E2eNode : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ClientNode _client;

    private E2eNode(IHost host, ClientNode client)
    {
        _host = host;
        _client = client;
    }

    public TaskAffinityClient Client => _client.Client;

    public static async Task<E2eNode> StartAsync(NodeOptions options, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders().AddSerilog(WarningsToStderr(), dispose: true))
            .ConfigureServices(services =>
            {
                services.AddTaskHandler(new NoOpHandler());
                services.AddTaskAffinity(options);
            })
            .Build();
        await host.StartAsync(cancellationToken);
        var system = host.Services.GetRequiredService<ActorSystem>();
        await SchedulerReadiness.WaitAsync(system, s => s.WorkersOnline > 0 && s.ServedTypes.Contains(E2eLoad.Step), TimeSpan.FromSeconds(60),
            "the node's worker slots did not come online", cancellationToken);
        var address = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
        var client = await ClientNode.ConnectAsync([address], TimeSpan.FromSeconds(60),
            settings: new ClientSettings { AskTimeout = TimeSpan.FromSeconds(30), WatchRound = TimeSpan.FromSeconds(30) },
            logging: l => l.AddSerilog(WarningsToStderr(), dispose: true));
        return new E2eNode(host, client);
    }

    /// <summary>What the predictor learned during the run: shows the learning loop kept up with the load.</summary>
    public async Task<string> PredictorSummaryAsync()
    {
        var system = _host.Services.GetRequiredService<ActorSystem>();
        try
        {
            var model = await ActorRegistry.For(system).Get<PredictorKey>().Ask<PredictorProtocol.ModelSnapshot>(PredictorProtocol.GetModel.Instance, TimeSpan.FromSeconds(10));
            return $"predictor: model version {model.Version}, {model.Stats.Observations} observations learned, {model.Profiles.Length} worker profiles";
        }
        catch (AskTimeoutException)
        {
            return "predictor: no answer within 10 s";
        }
    }

    private static Serilog.ILogger WarningsToStderr() => new LoggerConfiguration()
        .MinimumLevel.Warning()
        .WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose)
        .CreateLogger();

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>Does nothing: what is measured is the scheduler's own cost per task.</summary>
    private sealed class NoOpHandler : ITaskHandler
    {
        public TaskType Type => E2eLoad.Step;

        public Task<string> HandleAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(context.Spec.Payload);
    }
}
