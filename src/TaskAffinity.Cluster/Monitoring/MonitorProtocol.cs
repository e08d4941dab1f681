using System.Collections.Immutable;
using TaskAffinity.Cluster.Staging;

namespace TaskAffinity.Cluster.Monitoring;

/// <summary>What each node's resource monitor publishes.</summary>
public static class MonitorProtocol
{
    /// <summary>The Distributed Pub-Sub topic host samples are published on.</summary>
    public const string HostTopic = "taskaffinity.hosts";

    /// <summary>
    /// One node's smoothed resource use (fractions 0..1, null where /proc could not tell), its heat (what the
    /// placement policy reads: the most saturated resource), and its prefetch counters so far, so that any
    /// node can show the whole cluster's prefetching without asking each one.
    /// </summary>
    public sealed record HostSample(string HostId, string Address, DateTimeOffset At,
        double? Cpu, double? Memory, double? Disk, double? Network, double Heat,
        PrefetchCounters Prefetch, ImmutableArray<WorkerPrefetch> Workers) : ITaskAffinityMessage;

    /// <summary>A node's prefetch and cache counters since it started.</summary>
    public sealed record PrefetchCounters(long Hits, long Misses, long PrefetchedBytes, long WastedBytes,
        long TasksRun, long FromBuffer, long Refusals, long Fetches, long FetchFailures)
    {
        public static readonly PrefetchCounters Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

        public double? HitRate => Hits + Misses == 0 ? null : (double)Hits / (Hits + Misses);

        public double? Waste => PrefetchedBytes == 0 ? null : (double)WastedBytes / PrefetchedBytes;

        public static PrefetchCounters From(PrefetchReport r) => new(r.Cache.Hits, r.Cache.Misses, r.Cache.PrefetchedBytes,
            r.Cache.PrefetchedEvictedBytes, r.TasksRun, r.TasksFromBuffer, r.Refusals, r.Fetches, r.FetchFailures);

        public static PrefetchCounters Total(IEnumerable<HostSample> hosts) => hosts.Aggregate(Zero, (sum, h) => sum.Plus(h.Prefetch));

        public PrefetchCounters Plus(PrefetchCounters o) => new(Hits + o.Hits, Misses + o.Misses, PrefetchedBytes + o.PrefetchedBytes,
            WastedBytes + o.WastedBytes, TasksRun + o.TasksRun, FromBuffer + o.FromBuffer, Refusals + o.Refusals,
            Fetches + o.Fetches, FetchFailures + o.FetchFailures);
    }
}
