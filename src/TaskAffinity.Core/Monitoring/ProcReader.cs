using System.Collections.Immutable;
using System.Globalization;

namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// Reads a <see cref="ProcSnapshot"/> from <c>proc/stat</c>, <c>proc/meminfo</c>, <c>proc/diskstats</c> and
/// <c>proc/net/dev</c> under <see cref="Root"/>, and each interface's link speed from
/// <c>sys/class/net/IFACE/speed</c>. The root is <c>/</c> on a host and a fixture folder in tests. Never throws
/// on a missing or unreadable file: that part is null and the snapshot carries a problem naming the file.
/// </summary>
/// <remarks>Blocking file reads, a few kB each: call it off any thread that must stay responsive.</remarks>
public sealed class ProcReader
{
    /// <param name="root">The folder holding <c>proc</c> and <c>sys</c>.</param>
    /// <param name="defaultLinkMbps">
    /// Link speed (Mb/s, above 0) for an interface whose speed file is missing, unreadable or not above 0 —
    /// virtual interfaces and many cloud NICs report none, or -1.
    /// </param>
    public ProcReader(string root = "/", double defaultLinkMbps = MonitorOptions.StandardLinkMbps)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!double.IsFinite(defaultLinkMbps) || defaultLinkMbps <= 0)
            throw new ArgumentOutOfRangeException(nameof(defaultLinkMbps), defaultLinkMbps, "must be a finite number above 0");
        Root = root;
        DefaultLinkMbps = defaultLinkMbps;
    }

    public string Root { get; }

    public double DefaultLinkMbps { get; }

    /// <summary>Reads every counter file now, stamping the snapshot <paramref name="timestamp"/>.</summary>
    public ProcSnapshot Read(DateTimeOffset timestamp)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        var cpu = Parse(ProcParsers.StatFile, ProcParsers.ParseStat, problems);
        var memory = Parse(ProcParsers.MeminfoFile, ProcParsers.ParseMeminfo, problems);
        var disks = Parse(ProcParsers.DiskstatsFile, ProcParsers.ParseDiskstats, problems);
        var network = Parse(ProcParsers.NetDevFile, ProcParsers.ParseNetDev, problems)?
            .ToImmutableDictionary(kv => kv.Key, kv => kv.Value with { LinkMbps = LinkMbps(kv.Key) }, StringComparer.Ordinal);
        return new ProcSnapshot(timestamp, cpu, memory, disks, network, problems.ToImmutable());
    }

    /// <summary>The interface's speed from its sysfs file, or <see cref="DefaultLinkMbps"/> when there is no usable one.</summary>
    public double LinkMbps(string iface)
    {
        // Interface names never hold a path separator; one from a doctored fixture must not lead outside sys/class/net.
        if (iface.Length == 0 || iface is "." or ".." || iface.Contains('/')) return DefaultLinkMbps;
        var text = TryRead(Path.Combine(Root, "sys", "class", "net", iface, "speed"), out _);
        return long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var mbps) && mbps > 0
            ? mbps
            : DefaultLinkMbps;
    }

    private delegate T? Parser<T>(string? text, out string? problem) where T : class;

    private T? Parse<T>(string file, Parser<T> parse, ImmutableArray<string>.Builder problems)
        where T : class
    {
        var text = TryRead(Path.Combine(Root, file.TrimStart('/')), out var error);
        if (text is null)
        {
            problems.Add($"{file}: cannot read ({error})");
            return null;
        }

        var value = parse(text, out var problem);
        if (problem is not null) problems.Add(problem);
        return value;
    }

    private static string? TryRead(string path, out string? error)
    {
        error = null;
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException
                                      or System.Security.SecurityException or ArgumentException)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            return null;
        }
    }
}
