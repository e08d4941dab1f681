using TaskAffinity.Core.Prefetch;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>
/// taskaffinity.prefetch and taskaffinity.cache: the workers' prefetch buffers, the stager that stages input
/// data ahead of need, and each host's data cache. With prefetch off the cache still serves repeated reads,
/// but nothing is buffered or staged: a worker gets its next task only once it is idle.
/// </summary>
public sealed record PrefetchSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>Tasks a busy worker may hold ready behind the one it runs.</summary>
    public int BufferSize { get; init; } = 4;

    /// <summary>A buffered task not started within this time goes back to its chain and is placed again.</summary>
    public TimeSpan MaxBufferTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many steps ahead in a chain the inputs of the tasks to come are staged (0 = only buffered tasks).</summary>
    public int Lookahead { get; init; } = 3;

    public PrefetchPlannerOptions Planner { get; init; } = PrefetchPlannerOptions.Default;

    /// <summary>One staging fetch gives up after this long (and is retried).</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Tries per staged item before the stager gives up on it (quietly, counted).</summary>
    public int FetchAttempts { get; init; } = 3;

    /// <summary>Wait before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public DataCacheOptions Cache { get; init; } = DataCacheOptions.Default;

    /// <summary>The buffer size in force: none when prefetch is off.</summary>
    public int EffectiveBufferSize => Enabled ? BufferSize : 0;

    internal static PrefetchSettings Read(SettingsReader reader, PrefetchSettings d)
    {
        var enabled = reader.String("prefetch.enabled", d.Enabled ? "on" : "off") switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw new SettingsException("taskaffinity.prefetch.enabled", other, "on or off"),
        };
        var policy = reader.String("cache.policy", d.Cache.Policy.ToString().ToLowerInvariant()) switch
        {
            "lru" => EvictionPolicy.Lru,
            "lfu" => EvictionPolicy.Lfu,
            var other => throw new SettingsException("taskaffinity.cache.policy", other, "lru or lfu"),
        };
        const double MiB = 1024 * 1024;
        return new PrefetchSettings
        {
            Enabled = enabled,
            BufferSize = reader.Int("prefetch.buffer-size", d.BufferSize, 0, 4096),
            MaxBufferTime = reader.Duration("prefetch.max-buffer-time", d.MaxBufferTime, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
            Lookahead = reader.Int("prefetch.lookahead", d.Lookahead, 0, 16),
            Planner = d.Planner with
            {
                MinConfidence = reader.Double("prefetch.min-confidence", d.Planner.MinConfidence, 0, 1),
                MaxBytesInFlight = (long)(reader.Double("prefetch.max-mb-in-flight", d.Planner.MaxBytesInFlight / MiB, 1, 65536) * MiB),
                MaxConcurrentFetches = reader.Int("prefetch.max-concurrent-fetches", d.Planner.MaxConcurrentFetches, 1, 1024),
                MaxUnusedShare = reader.Double("prefetch.max-unused-share", d.Planner.MaxUnusedShare, 0.01, 1),
                FetchLatency = reader.Duration("prefetch.fetch-latency", d.Planner.FetchLatency, TimeSpan.Zero, TimeSpan.FromMinutes(1)),
                BandwidthMBps = reader.Double("prefetch.bandwidth-mbps", d.Planner.BandwidthMBps, 0.001, 1e6),
            },
            FetchTimeout = reader.Duration("prefetch.fetch-timeout", d.FetchTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
            FetchAttempts = reader.Int("prefetch.fetch-attempts", d.FetchAttempts, 1, 100),
            RetryBackoff = reader.Duration("prefetch.retry-backoff", d.RetryBackoff, TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            Cache = d.Cache with
            {
                CapacityBytes = (long)(reader.Double("cache.capacity-mb", d.Cache.CapacityBytes / MiB, 1, 1024 * 1024) * MiB),
                Policy = policy,
            },
        };
    }
}
