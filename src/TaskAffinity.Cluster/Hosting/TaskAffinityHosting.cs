using Akka.Actor;
using Akka.Event;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskAffinity.Cluster.Admin;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Execution;
using TaskAffinity.Cluster.Hosts;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Prediction;
using TaskAffinity.Cluster.Scheduling;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Monitoring;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>
/// Sets up a TaskAffinity node on the generic host: the actor system, its cluster membership, the sharded
/// entities, the scheduler and router, and the worker slots, according to the node's roles.
/// </summary>
public static class TaskAffinityHosting
{
    /// <summary>Registers a handler; every worker-role node serves the task types of its handlers.</summary>
    public static IServiceCollection AddTaskHandler<THandler>(this IServiceCollection services) where THandler : class, ITaskHandler =>
        services.AddSingleton<ITaskHandler, THandler>();

    public static IServiceCollection AddTaskHandler(this IServiceCollection services, ITaskHandler handler) =>
        services.AddSingleton(handler);

    /// <summary>
    /// Adds the node. The configuration is loaded and checked here, before anything starts, so a bad value
    /// fails with a <see cref="SettingsException"/> naming its key.
    /// </summary>
    public static IServiceCollection AddTaskAffinity(this IServiceCollection services, NodeOptions options,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configure = null)
    {
        var node = NodeConfig.Load(options);
        if (options.HasRole(NodeOptions.SchedulerRole))
            node.PrepareDatabase(); // only nodes that host entities write to the journal
        services.AddSingleton(node);
        services.AddSingleton(node.Settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HandlerRegistry>();
        services.TryAddSingleton<PrefetchMetrics>();
        services.TryAddSingleton<NodeMetrics>();
        services.TryAddSingleton(_ => RunLog.Open(node.Settings.RunLog, options.DataDirectory));
        services.TryAddSingleton(sp => new HostData(node.Settings.Prefetch.Cache, sp.GetService<IDataSource>()));
        services.AddAkka(options.SystemName, (builder, sp) =>
        {
            builder.AddTaskAffinityNode(node, sp);
            configure?.Invoke(builder, sp);
        });
        return services;
    }

    private static void AddTaskAffinityNode(this AkkaConfigurationBuilder builder, NodeConfig node, IServiceProvider sp)
    {
        var options = node.Options;
        var settings = node.Settings;
        var clock = sp.GetRequiredService<TimeProvider>();
        var metrics = sp.GetRequiredService<PrefetchMetrics>();
        var runLog = sp.GetRequiredService<RunLog>();
        var nodeMetrics = sp.GetRequiredService<NodeMetrics>();
        var data = sp.GetRequiredService<HostData>();
        nodeMetrics.ReadPrefetchWhenScraped(metrics, data);

        builder
            .AddHocon(node.Hocon, HoconAddMode.Prepend)
            // Draining (below) runs in this phase: give it the drain timeout and a little more.
            .AddHocon($"akka.coordinated-shutdown.phases.service-requests-done.timeout = {(int)(settings.DrainTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds}ms",
                HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .WithRemoting(options.Hostname, options.Port, options.PublicHostname ?? options.Hostname)
            .WithClustering(new ClusterOptions { Roles = [.. ClusterRoles(options)], SeedNodes = [.. options.Seeds] })
            .WithDistributedPubSub("");

        var chainExtractor = new ChainBookExtractor(settings.ChainBooks);
        var workerExtractor = new WorkerExtractor();
        var hostExtractor = new EntityExtractor<IWithHostId>(m => m.HostId);

        if (options.HasRole(NodeOptions.SchedulerRole))
        {
            // Order matters: each starter may use what the ones before it registered. Chain books come last
            // because remember-entities wakes them at once, and their chains immediately talk to the scheduler.
            builder
                .WithSingleton<PredictorKey>("predictor", (system, _, _) => Props.Create(() => new PredictorActor(settings, DistributedPubSub.Get(system).Mediator)),
                    new ClusterSingletonOptions { Role = NodeOptions.SchedulerRole }, createProxyToo: true)
                .WithActors((system, registry) =>
                {
                    // Started by hand: Akka.Hosting's ShardOptions cannot take an allocation strategy.
                    var sharding = ClusterSharding.Get(system);
                    var region = sharding.Start("worker", id => FactoryProps.Of(() => new WorkerEntity(
                            id, settings, () => registry.Get<ChainRegion>(), DistributedPubSub.Get(system).Mediator, () => registry.Get<PredictorKey>(), metrics, clock)),
                        ClusterShardingSettings.Create(system).WithRole(NodeOptions.SchedulerRole).WithStateStoreMode(StateStoreMode.DData).WithRememberEntities(false),
                        workerExtractor, new HomeNodeAllocation(), WorkerProtocol.StopWorker.Instance);
                    registry.Register<WorkerRegion>(region);
                })
                .WithShardRegion<HostRegion>("host", (_, _, _) => id => FactoryProps.Of(() => new HostEntity(id, clock)),
                    hostExtractor, EntityShardOptions(remember: false))
                .WithActors((system, registry, _) =>
                {
                    var policy = PlacementPolicies.Create(settings.PlacementPolicy, PlacementModel.Empty);
                    var scheduler = system.ActorOf(Props.Create(() => new SchedulerActor(settings, () => registry.Get<ChainRegion>(),
                        registry.Get<WorkerRegion>(), DistributedPubSub.Get(system).Mediator, policy, clock, nodeMetrics)), "scheduler");
                    registry.Register<SchedulerKey>(scheduler);
                    registry.Register<RepliesKey>(system.ActorOf(Props.Create(() => new ReplyBatcher()), "replies"));
                })
                .WithShardRegion<ChainRegion>(ChainBook.RegionName, (_, registry, _) => id => FactoryProps.Of(() => new ChainBook(id, settings, clock,
                        (state, explanations) => FactoryProps.Of(() => new ChainEntity(state, settings, registry.Get<SchedulerKey>(), registry.Get<WorkerRegion>(), registry.Get<RepliesKey>(), clock, nodeMetrics, explanations)))),
                    chainExtractor, EntityShardOptions(remember: true, handOffStop: ChainProtocol.StopChain.Instance));
        }
        else if (options.HasRole(NodeOptions.WorkerRole))
        {
            builder
                .WithShardRegionProxy<WorkerRegion>("worker", NodeOptions.SchedulerRole, workerExtractor)
                .WithShardRegionProxy<HostRegion>("host", NodeOptions.SchedulerRole, hostExtractor);
        }

        builder.WithActors((system, registry, resolver) =>
        {
            registry.Register<TaskRouter>(system.ActorOf(Props.Empty.WithRouter(FromConfig.Instance), "task-router"));
            if (options.HasRole(NodeOptions.WorkerRole))
            {
                var handlers = resolver.GetService<HandlerRegistry>();
                var address = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
                var slots = system.ActorOf(Props.Create(() => new SlotsActor(options.NodeName, address, handlers, settings,
                    registry.Get<WorkerRegion>(), registry.Get<HostRegion>(), data, metrics, runLog, nodeMetrics)), "slots");
                registry.Register<SlotsKey>(slots);
                DrainOnLeave(system, slots, settings.DrainTimeout);
            }
            StartOperations(system, registry, node, metrics, data, nodeMetrics);
            if (options.Seeds.IsDefaultOrEmpty)
            {
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.Join(cluster.SelfAddress); // no seeds: this node is a cluster of its own
            }
        });
    }

    /// <summary>
    /// What operators use: the resource monitor (on nodes that run work or schedule it), the cluster view and
    /// the command host that tactl, the metrics and the web page read from.
    /// </summary>
    private static void StartOperations(ActorSystem system, IActorRegistry registry, NodeConfig node, PrefetchMetrics metrics, HostData data, NodeMetrics nodeMetrics)
    {
        var options = node.Options;
        var settings = node.Settings;
        var mediator = DistributedPubSub.Get(system).Mediator;
        if (options.HasRole(NodeOptions.WorkerRole) || options.HasRole(NodeOptions.SchedulerRole))
        {
            var address = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
            var reader = new ProcReader("/", settings.Monitor.Proc.DefaultLinkMbps);
            system.ActorOf(Props.Create(() => new MonitorActor(options.NodeName, address, settings.Monitor.Proc, reader, metrics, data, mediator, nodeMetrics)), "monitor");
        }
        var view = system.ActorOf(Props.Create(() => new ClusterView(mediator, settings, nodeMetrics)), "view");
        registry.Register<ClusterViewKey>(view);
        var context = new PaletteContext(system, registry, view, settings, options.NodeName);
        registry.Register<CommandHostKey>(system.ActorOf(Props.Create(() => new CommandHost(context)), "commands"));
    }

    // A worker-role node also carries host-NAME: the worker shards' allocation finds the node running a host's slots by it.
    private static IEnumerable<string> ClusterRoles(NodeOptions options) =>
        options.HasRole(NodeOptions.WorkerRole) ? options.Roles.Append(HomeNodeAllocation.HostRole(options.NodeName)) : options.Roles;

    /// <summary>
    /// Before its shards move away, a leaving node lets its slots finish what they run (see
    /// <see cref="SlotsActor.Drain"/>); the phase comes before sharding's hand-off and the cluster leave.
    /// </summary>
    private static void DrainOnLeave(ActorSystem system, IActorRef slots, TimeSpan timeout) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "drain-slots", async () =>
        {
            try
            {
                await slots.Ask<SlotsActor.Drained>(SlotsActor.Drain.Instance, timeout);
            }
            catch (AskTimeoutException)
            {
                system.Log.Warning("Slots not drained within {0} (taskaffinity.worker.drain-timeout): their tasks will run again elsewhere", timeout);
            }
            return Akka.Done.Instance;
        });

    private static ShardOptions EntityShardOptions(bool remember, object? handOffStop = null) => new()
    {
        HandOffStopMessage = handOffStop,
        Role = NodeOptions.SchedulerRole,
        StateStoreMode = StateStoreMode.DData,
        RememberEntities = remember,
        RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
    };
}
