using Prometheus;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Monitoring;

/// <summary>
/// The node's Prometheus metrics, in a registry of its own (several nodes may share a test process). Counters
/// are counted where things happen on this node: submissions where chains are accepted, runs on the slots,
/// placements in the scheduler; gauges are read when scraped. Served at /metrics by the admin endpoint.
/// </summary>
public sealed class NodeMetrics
{
    private static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.001, 2, 18); // 1 ms .. ~2 min

    private readonly Counter _submitted, _completed, _failed, _placements;
    private readonly Histogram _runSeconds, _latencySeconds;
    private readonly Gauge _waiting, _queued, _usage, _heat, _top1, _prefetchHitRatio;
    private readonly Counter _prefetchHits, _prefetchMisses, _prefetchedBytes, _wastedBytes, _refusals;

    public NodeMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        string[] type = ["type"];
        _submitted = f.CreateCounter("taskaffinity_tasks_submitted_total", "Tasks in chains accepted (persisted) on this node, by type.", type);
        _completed = f.CreateCounter("taskaffinity_tasks_completed_total", "Task runs that succeeded on this node's slots, by type.", type);
        _failed = f.CreateCounter("taskaffinity_tasks_failed_total", "Task runs that failed on this node's slots, by type.", type);
        _runSeconds = f.CreateHistogram("taskaffinity_task_run_seconds", "Run time of tasks on this node's slots, by type.",
            new HistogramConfiguration { LabelNames = type, Buckets = SecondsBuckets });
        _latencySeconds = f.CreateHistogram("taskaffinity_task_latency_seconds", "From ready to outcome recorded, for chains on this node, by type.",
            new HistogramConfiguration { LabelNames = type, Buckets = SecondsBuckets });
        _placements = f.CreateCounter("taskaffinity_placements_total",
            "Placements by this node's scheduler, by policy and by the score term that decided them (see PlacementTerms).", ["policy", "term"]);
        _waiting = f.CreateGauge("taskaffinity_scheduler_waiting_tasks", "Ready tasks waiting in this node's scheduler because every eligible worker is full.");
        _queued = f.CreateGauge("taskaffinity_worker_queued_tasks", "Tasks queued in workers' prefetch buffers, by host, as last reported.", ["host"]);
        _usage = f.CreateGauge("taskaffinity_resource_usage_ratio", "This node's smoothed resource use (0..1) from /proc, by resource.", ["resource"]);
        _heat = f.CreateGauge("taskaffinity_host_heat_ratio", "This node's heat (0..1): its most saturated resource, as the placement policy reads it.");
        _top1 = f.CreateGauge("taskaffinity_prediction_top1_ratio", "Next-type prediction top-1 accuracy, overall and on type changes, from the latest model.", ["scope"]);
        _prefetchHits = f.CreateCounter("taskaffinity_prefetch_hits_total", "Task input reads that found their data in this host's cache.");
        _prefetchMisses = f.CreateCounter("taskaffinity_prefetch_misses_total", "Task input reads that had to fetch.");
        _prefetchedBytes = f.CreateCounter("taskaffinity_prefetched_bytes_total", "Bytes staged into this host's cache ahead of need.");
        _wastedBytes = f.CreateCounter("taskaffinity_prefetch_wasted_bytes_total", "Staged bytes evicted before any task read them.");
        _refusals = f.CreateCounter("taskaffinity_prefetch_refusals_total", "Prefetched tasks a worker refused to run.");
        _prefetchHitRatio = f.CreateGauge("taskaffinity_prefetch_hit_ratio", "hits / (hits + misses) on this host's cache.");
    }

    public CollectorRegistry Registry { get; }

    public void Submitted(TaskType type, int count = 1) => _submitted.WithLabels(type.Name).Inc(count);

    public void Ran(TaskType type, bool succeeded, TimeSpan runTime)
    {
        (succeeded ? _completed : _failed).WithLabels(type.Name).Inc();
        _runSeconds.WithLabels(type.Name).Observe(runTime.TotalSeconds);
    }

    public void Latency(TaskType type, double milliseconds) => _latencySeconds.WithLabels(type.Name).Observe(milliseconds / 1000);

    public void Placed(string policy, string term) => _placements.WithLabels(policy, term).Inc();

    public void Waiting(int count) => _waiting.Set(count);

    public void Queued(string host, int count) => _queued.WithLabels(host).Set(count);

    public void Resources(double? cpu, double? memory, double? disk, double? network, double heat)
    {
        foreach (var (name, value) in new[] { ("cpu", cpu), ("memory", memory), ("disk", disk), ("network", network) })
            if (value is { } v) _usage.WithLabels(name).Set(v);
        _heat.Set(heat);
    }

    public void Accuracy(double top1, double top1OnChange)
    {
        _top1.WithLabels("all").Set(top1);
        _top1.WithLabels("on_change").Set(top1OnChange);
    }

    /// <summary>Reads the prefetch counters at scrape time (they are counted elsewhere, as totals).</summary>
    public void ReadPrefetchWhenScraped(PrefetchMetrics metrics, HostData data) =>
        Registry.AddBeforeCollectCallback(() =>
        {
            var r = metrics.Report(data);
            _prefetchHits.IncTo(r.Cache.Hits);
            _prefetchMisses.IncTo(r.Cache.Misses);
            _prefetchedBytes.IncTo(r.Cache.PrefetchedBytes);
            _wastedBytes.IncTo(r.Cache.PrefetchedEvictedBytes);
            _refusals.IncTo(r.Refusals);
            _prefetchHitRatio.Set(r.HitRate);
        });

    public async Task<string> ExportAsync(CancellationToken cancel = default)
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream, cancel);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
