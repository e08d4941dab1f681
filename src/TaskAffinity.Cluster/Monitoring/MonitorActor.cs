using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Monitoring;
using static TaskAffinity.Cluster.Monitoring.MonitorProtocol;

namespace TaskAffinity.Cluster.Monitoring;

/// <summary>
/// The node's resource monitor: every interval it reads the /proc counters, turns the change since the last
/// reading into usage fractions, smooths them, and publishes the node's <see cref="HostSample"/> (its heat and
/// its prefetch counters) to every node, where schedulers fold the heat into placement.
/// </summary>
internal sealed class MonitorActor : ReceiveActor, IWithTimers
{
    private readonly string _hostId;
    private readonly string _address;
    private readonly MonitorOptions _options;
    private readonly ProcReader _reader;
    private readonly ResourceSmoother _smoother;
    private readonly PrefetchMetrics _prefetch;
    private readonly HostData _data;
    private readonly IActorRef _mediator;
    private readonly NodeMetrics _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _reported = [];
    private ProcSnapshot? _last;

    public MonitorActor(string hostId, string address, MonitorOptions options, ProcReader reader, PrefetchMetrics prefetch, HostData data,
        IActorRef mediator, NodeMetrics metrics)
    {
        (_hostId, _address, _options, _reader, _prefetch, _data, _mediator, _metrics) = (hostId, address, options, reader, prefetch, data, mediator, metrics);
        _smoother = new ResourceSmoother(options.SmoothingAlpha);
        Receive<Tick>(_ => Sample());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _last = Read();
        Timers.StartPeriodicTimer("sample", Tick.Instance, _options.Interval);
    }

    private void Sample()
    {
        var now = Read();
        var usage = _smoother.Add(ResourceUsage.Between(_last!, now, _options.DefaultLinkMbps));
        _last = now;
        _metrics.Resources(usage.Cpu, usage.Memory, usage.Disk, usage.Network, usage.Heat);
        var report = _prefetch.Report(_data);
        _mediator.Tell(new Publish(HostTopic, new HostSample(_hostId, _address, now.Timestamp,
            usage.Cpu, usage.Memory, usage.Disk, usage.Network, usage.Heat, PrefetchCounters.From(report), _prefetch.Workers())));
    }

    private ProcSnapshot Read()
    {
        var snapshot = _reader.Read(DateTimeOffset.UtcNow);
        // Each distinct problem once: a host without /proc/diskstats would otherwise warn every interval.
        foreach (var problem in snapshot.Problems)
            if (_reported.Add(problem))
                _log.Warning("Resource monitor: {0} (that resource counts as unknown)", problem);
        return snapshot;
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
