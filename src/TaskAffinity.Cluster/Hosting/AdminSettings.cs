using TaskAffinity.Core.Monitoring;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>taskaffinity.admin: the command host's HTTP endpoint (tactl, /metrics, /health, the web page).</summary>
public sealed record AdminSettings
{
    /// <summary>host:port to listen on; "off" for no endpoint. Bound to loopback by default.</summary>
    public string Address { get; init; } = "127.0.0.1:9110";

    /// <summary>Required (as a bearer token) when <see cref="Address"/> is not loopback.</summary>
    public string Token { get; init; } = "";

    public int MaxRequestBytes { get; init; } = 65_536;

    /// <summary>How long a command may take (it may ask other nodes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.Equals(Address, "off", StringComparison.OrdinalIgnoreCase);

    internal static AdminSettings Read(SettingsReader reader, AdminSettings d) => new()
    {
        Address = reader.String("admin.address", d.Address),
        Token = reader.String("admin.token", d.Token),
        MaxRequestBytes = reader.Int("admin.max-request-bytes", d.MaxRequestBytes, 1024, 64 * 1024 * 1024),
        Timeout = reader.Duration("admin.timeout", d.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
    };
}

/// <summary>taskaffinity.monitor: the resource monitor (what /proc is sampled into) and how much history the view keeps.</summary>
public sealed record MonitorSettings
{
    public MonitorOptions Proc { get; init; } = MonitorOptions.Default;

    public TimeSpan History { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan Interval => Proc.Interval;

    internal static MonitorSettings Read(SettingsReader reader, MonitorSettings d) => new()
    {
        Proc = new MonitorOptions
        {
            Interval = reader.Duration("monitor.interval", d.Proc.Interval, MonitorOptions.MinInterval, MonitorOptions.MaxInterval),
            SmoothingAlpha = reader.Double("monitor.smoothing", d.Proc.SmoothingAlpha, 0.01, 1),
            DefaultLinkMbps = reader.Double("monitor.link-mbps", d.Proc.DefaultLinkMbps, 1, MonitorOptions.MaxLinkMbps),
        },
        History = reader.Duration("monitor.history", d.History, TimeSpan.FromSeconds(10), TimeSpan.FromHours(24)),
    };
}
