using Akka.Actor;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
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
        HostData data, PrefetchMetrics metrics, RunLog runLog, NodeMetrics nodeMetrics)
    {
        _hosts = hosts;
        var stager = Context.ActorOf(Props.Create(() => new StagerActor(data, settings.Prefetch, metrics)), "stager");
        _registration = new RegisterHost(hostId, nodeAddress, settings.HostCapacity, settings.SlotsPerNode, handlers.ServedTypes);
        for (var i = 0; i < settings.SlotsPerNode; i++)
        {
            var workerId = $"{hostId}/{i}";
            Context.ActorOf(Props.Create(() => new SlotActor(workerId, hostId, handlers, settings, workers, stager, data, metrics, runLog, nodeMetrics)), $"slot-{i}");
        }

        Receive<RegisterTick>(_ => _hosts.Tell(_registration));
        Receive<Drain>(_ => StartDrain(settings.SlotsPerNode));
        Receive<HostRegistrationAcknowledged>(_ =>
        {
            Timers.Cancel(RegisterTimer);
            _log.Info("Host {0} registered: {1} slots, {2}, serving {3}", hostId, settings.SlotsPerNode, settings.HostCapacity,
                string.Join(", ", handlers.ServedTypes.Select(t => t.Name).Order(StringComparer.Ordinal)));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The node is leaving: every slot's worker stops taking tasks and returns its waiting ones; answers
    /// <see cref="Drained"/> once every slot's running task has ended and its outcome is written.
    /// </summary>
    private void StartDrain(int slots)
    {
        var asker = Sender;
        var drained = new HashSet<string>(StringComparer.Ordinal);
        if (slots == 0)
        {
            asker.Tell(Drained.Instance);
            return;
        }
        _log.Info("Draining {0} slots: no new tasks, waiting ones go back to their chains", slots);
        foreach (var slot in Context.GetChildren().Where(c => c.Path.Name.StartsWith("slot-", StringComparison.Ordinal)))
            slot.Tell(DrainSlot.Instance);
        Become(() =>
        {
            Receive<SlotDrained>(d =>
            {
                if (drained.Add(d.WorkerId) && drained.Count == slots)
                {
                    _log.Info("All {0} slots drained", slots);
                    asker.Tell(Drained.Instance);
                }
            });
            Receive<Drain>(_ => { if (drained.Count == slots) Sender.Tell(Drained.Instance); });
            Receive<RegisterTick>(_ => _hosts.Tell(_registration));
            ReceiveAny(_ => { });
        });
    }

    public sealed class Drain
    {
        public static readonly Drain Instance = new();
    }

    public sealed class Drained
    {
        public static readonly Drained Instance = new();
    }

    internal sealed class DrainSlot
    {
        public static readonly DrainSlot Instance = new();
    }

    internal sealed record SlotDrained(string WorkerId);

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
