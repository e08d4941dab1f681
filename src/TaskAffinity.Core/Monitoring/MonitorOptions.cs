namespace TaskAffinity.Core.Monitoring;

/// <summary>The knobs of the node resource monitor, each with its default and valid range (see <see cref="Problems"/>).</summary>
public sealed record MonitorOptions
{
    /// <summary>1 Gb/s: the most common server NIC, assumed when a link does not report its speed.</summary>
    public const double StandardLinkMbps = 1000;

    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100), MaxInterval = TimeSpan.FromMinutes(10);
    public const double MaxLinkMbps = 1e6;

    public static readonly MonitorOptions Default = new();

    /// <summary>
    /// 100 ms .. 10 min; default 2 s: time between two readings. CPU time is counted in 10 ms jiffies, so much
    /// shorter intervals give coarse fractions; much longer ones let placement act on stale heat.
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>In (0, 1]; default 0.3: the weight of the newest reading in the moving average (1 = no smoothing).</summary>
    public double SmoothingAlpha { get; init; } = 0.3;

    /// <summary>In (0, 1e6] Mb/s; default 1000: the link speed of an interface that reports none (virtual NICs, -1).</summary>
    public double DefaultLinkMbps { get; init; } = StandardLinkMbps;

    /// <summary>Everything wrong with these options, each message naming the key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Interval < MinInterval || Interval > MaxInterval)
            problems.Add($"interval must be in [{MinInterval}, {MaxInterval}], was {Interval}");
        if (!(SmoothingAlpha is > 0 and <= 1))
            problems.Add($"smoothingAlpha must be in (0, 1], was {SmoothingAlpha}");
        if (!(DefaultLinkMbps is > 0 and <= MaxLinkMbps))
            problems.Add($"defaultLinkMbps must be in (0, {MaxLinkMbps}], was {DefaultLinkMbps}");
        return problems;
    }
}
