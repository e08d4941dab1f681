using Akka.Actor;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using static TaskAffinity.Cluster.Hosts.HostProtocol;

namespace TaskAffinity.Cluster.Execution;

/// <summary>
/// The worker slots homed on this node (children named <c>slot-N</c>, worker ids <c>host/N</c>). Registers the
/// host's capacity with its host entity at start, repeating until acknowledged. Also the node's stager
/// (child <c>stager</c>), which stages inputs into the node's cache for these slots.
/// </summary>
internal sealed class SlotsActor : ReceiveActor, IWithTimers
{
    private const string RegisterTimer = "register-host";
    private readonly RegisterHost _registration;
    private readonly IActorRef _hosts;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SlotsActor(string hostId, string nodeAddress, HandlerRegistry handlers, TaskAffinitySettings settings, IActorRef workers, IActorRef hosts,
        HostData data, PrefetchMetrics metrics)
    {
        _hosts = hosts;
        var stager = Context.ActorOf(Props.Create(() => new StagerActor(data, settings.Prefetch, metrics)), "stager");
        _registration = new RegisterHost(hostId, nodeAddress, settings.HostCapacity, settings.SlotsPerNode, handlers.ServedTypes);
        for (var i = 0; i < settings.SlotsPerNode; i++)
        {
            var workerId = $"{hostId}/{i}";
            Context.ActorOf(Props.Create(() => new SlotActor(workerId, hostId, handlers, settings, workers, stager, data, metrics)), $"slot-{i}");
        }

        Receive<RegisterTick>(_ => _hosts.Tell(_registration));
        Receive<HostRegistrationAcknowledged>(_ =>
        {
            Timers.Cancel(RegisterTimer);
            _log.Info("Host {0} registered: {1} slots, {2}, serving {3}", hostId, settings.SlotsPerNode, settings.HostCapacity,
                string.Join(", ", handlers.ServedTypes.Select(t => t.Name).Order(StringComparer.Ordinal)));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _hosts.Tell(_registration);
        Timers.StartPeriodicTimer(RegisterTimer, RegisterTick.Instance, TimeSpan.FromSeconds(3));
    }

    // Slots are independent: one failing must not restart its siblings' running tasks.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Restart);

    private sealed class RegisterTick
    {
        public static readonly RegisterTick Instance = new();
    }
}
