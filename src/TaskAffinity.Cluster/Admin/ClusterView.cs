using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Core.Affinity;
using static TaskAffinity.Cluster.Monitoring.MonitorProtocol;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>One point of the view's history: each host's resource use, and the cluster's recent hit rate and accuracy.</summary>
public sealed record HistoryPoint(DateTimeOffset At, ImmutableDictionary<string, HostUsage> Hosts, double? HitRate, double? Top1, double? Top1OnChange);

public sealed record HostUsage(double? Cpu, double? Memory, double? Disk, double? Network, double Heat);

/// <summary>What this node knows of the cluster, as of one moment: what the palettes, the page and the metrics read.</summary>
public sealed record ClusterViewSnapshot(DateTimeOffset At, ImmutableArray<WorkerStatus> Workers, ImmutableArray<HostSample> Hosts,
    ModelSnapshot Model, AffinityOptions Affinity, ImmutableArray<HistoryPoint> History)
{
    public AffinityMap AffinityMap() => Core.Affinity.AffinityMap.Build(Model.Profiles, Affinity);

    public PrefetchCounters PrefetchTotal => PrefetchCounters.Total(Hosts);
}

/// <summary>
/// Listens to what every node publishes (worker statuses, host samples, the model) and keeps the latest of each,
/// plus a history of the last minutes, so operators' questions are answered from memory without asking anyone.
/// </summary>
internal sealed class ClusterView : ReceiveActor, IWithTimers
{
    public sealed class Get
    {
        public static readonly Get Instance = new();
    }

    private readonly Dictionary<string, (WorkerStatus Status, DateTimeOffset HeardAt)> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HostSample> _hosts = new(StringComparer.Ordinal);
    private readonly Queue<HistoryPoint> _history = new();
    private readonly TaskAffinitySettings _settings;
    private readonly NodeMetrics _metrics;
    private readonly TimeSpan _keep;
    private ModelSnapshot _model = ModelSnapshot.Empty;
    private PrefetchCounters _lastTotals = PrefetchCounters.Zero;

    public ClusterView(IActorRef mediator, TaskAffinitySettings settings, NodeMetrics metrics)
    {
        (_settings, _metrics) = (settings, metrics);
        _keep = settings.Monitor.History;
        mediator.Tell(new Subscribe(ViewTopic, Self));
        mediator.Tell(new Subscribe(HostTopic, Self));
        mediator.Tell(new Subscribe(ModelTopic, Self));

        Receive<SubscribeAck>(_ => { });
        Receive<WorkerStatus>(status => _workers[status.WorkerId] = (status, DateTimeOffset.UtcNow));
        Receive<HostSample>(sample => _hosts[sample.HostId] = sample);
        Receive<ModelSnapshot>(model =>
        {
            if (model.Version < _model.Version) return;
            _model = model;
            _metrics.Accuracy(model.Stats.Top1Accuracy, model.Stats.Top1OnChange);
        });
        Receive<Tick>(_ => Record());
        Receive<Get>(_ => Sender.Tell(Snapshot()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer("history", Tick.Instance, _settings.Monitor.Interval);

    private void Record()
    {
        var now = DateTimeOffset.UtcNow;
        Forget(now);
        var totals = PrefetchCounters.Total(_hosts.Values);
        // the hit rate of the reads since the last point, so the chart shows now and not the average since start
        var reads = totals.Hits + totals.Misses - _lastTotals.Hits - _lastTotals.Misses;
        double? hitRate = reads > 0 ? (double)(totals.Hits - _lastTotals.Hits) / reads : null;
        _lastTotals = totals;
        var stats = _model.Stats;
        _history.Enqueue(new HistoryPoint(now,
            _hosts.Values.ToImmutableDictionary(h => h.HostId, h => new HostUsage(h.Cpu, h.Memory, h.Disk, h.Network, h.Heat)),
            hitRate, stats.Observations > 0 ? stats.Top1Accuracy : null, stats.TypeChanges > 0 ? stats.Top1OnChange : null));
        while (_history.Count > 0 && now - _history.Peek().At > _keep)
            _history.Dequeue();
        foreach (var host in _workers.Values.GroupBy(w => w.Status.HostId))
            _metrics.Queued(host.Key, host.Sum(w => w.Status.Queued));
    }

    /// <summary>Hosts and workers not heard from for a minute are gone (their node left or died).</summary>
    private void Forget(DateTimeOffset now)
    {
        var gone = TimeSpan.FromMinutes(1);
        foreach (var host in _hosts.Values.Where(h => now - h.At > gone).ToList())
            _hosts.Remove(host.HostId);
        foreach (var worker in _workers.Where(w => now - w.Value.HeardAt > gone).ToList())
            _workers.Remove(worker.Key);
    }

    private ClusterViewSnapshot Snapshot()
    {
        var now = DateTimeOffset.UtcNow;
        var workers = _workers.Values
            .Select(w => w.Status.Online && now - w.HeardAt > _settings.WorkerStaleAfter ? w.Status with { Online = false } : w.Status)
            .OrderBy(w => w.WorkerId, WorkerOrder.Instance);
        return new ClusterViewSnapshot(now, [.. workers], [.. _hosts.Values.OrderBy(h => h.HostId, StringComparer.Ordinal)],
            _model, _model.AffinityOptions(_settings.Affinity), [.. _history]);
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}

/// <summary>Worker ids (<c>host/slot</c>) in host order, then slot number (n1/2 before n1/10).</summary>
public sealed class WorkerOrder : IComparer<string>
{
    public static readonly WorkerOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        var (hx, sx) = Split(x ?? "");
        var (hy, sy) = Split(y ?? "");
        var byHost = string.CompareOrdinal(hx, hy);
        return byHost != 0 ? byHost : sx != sy ? sx.CompareTo(sy) : string.CompareOrdinal(x, y);
    }

    private static (string Host, long Slot) Split(string id)
    {
        var slash = id.LastIndexOf('/');
        return slash > 0 && long.TryParse(id[(slash + 1)..], out var slot) ? (id[..slash], slot) : (id, -1);
    }
}
