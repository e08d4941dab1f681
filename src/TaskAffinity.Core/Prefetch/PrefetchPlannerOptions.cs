namespace TaskAffinity.Core.Prefetch;

/// <summary>The knobs of <see cref="PrefetchPlanner"/>, each with its default and valid range (see <see cref="Problems"/>).</summary>
public sealed record PrefetchPlannerOptions
{
    public static readonly PrefetchPlannerOptions Default = new();

    /// <summary>In [0, 1]: a candidate less likely than this to be read is not fetched, whatever it costs.</summary>
    public double MinConfidence { get; init; } = 0.3;

    /// <summary>1 MiB .. 64 GiB: bytes being prefetched at once on a host, so prefetching cannot starve demand fetches of bandwidth.</summary>
    public long MaxBytesInFlight { get; init; } = 64L * 1024 * 1024;

    /// <summary>1 .. 1024: prefetches in flight at once on a host.</summary>
    public int MaxConcurrentFetches { get; init; } = 8;

    /// <summary>
    /// In (0, 1]: share of the cache that prefetched-but-unread data (cached or in flight) may fill, so
    /// prefetching cannot flush the working set.
    /// </summary>
    public double MaxUnusedShare { get; init; } = 0.5;

    /// <summary>0 .. 1 min: the fixed part of what a fetch costs (round trip, open), for the benefit/cost test.</summary>
    public TimeSpan FetchLatency { get; init; } = TimeSpan.FromMilliseconds(3);

    /// <summary>In (0, 1e6]: the transfer rate of a fetch, in MB/s (1 MB = 10^6 bytes), for the benefit/cost test.</summary>
    public double BandwidthMBps { get; init; } = 800;

    /// <summary>Seconds to transfer <paramref name="sizeBytes"/>: size / bandwidth.</summary>
    public double TransferSeconds(long sizeBytes) => sizeBytes / (BandwidthMBps * 1e6);

    /// <summary>Everything wrong with these options, each message naming the key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(MinConfidence is >= 0 and <= 1))
            problems.Add($"minConfidence must be in [0, 1], was {MinConfidence}");
        if (MaxBytesInFlight is < 1L << 20 or > 64L << 30)
            problems.Add($"maxBytesInFlight must be in [{1L << 20}, {64L << 30}], was {MaxBytesInFlight}");
        if (MaxConcurrentFetches is < 1 or > 1024)
            problems.Add($"maxConcurrentFetches must be in [1, 1024], was {MaxConcurrentFetches}");
        if (!(MaxUnusedShare is > 0 and <= 1))
            problems.Add($"maxUnusedShare must be in (0, 1], was {MaxUnusedShare}");
        if (FetchLatency < TimeSpan.Zero || FetchLatency > TimeSpan.FromMinutes(1))
            problems.Add($"fetchLatency must be in [00:00:00, 00:01:00], was {FetchLatency}");
        if (!(BandwidthMBps is > 0 and <= 1e6))
            problems.Add($"bandwidthMBps must be in (0, 1000000], was {BandwidthMBps}");
        return problems;
    }
}
