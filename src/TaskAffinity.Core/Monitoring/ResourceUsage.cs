namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// How busy a host was over an interval, each resource as a fraction in [0, 1]; null when it could not be told
/// (its counters were missing from either reading, or no time passed).
/// </summary>
public readonly record struct ResourceUsage(double? Cpu, double? Memory, double? Disk, double? Network)
{
    public static readonly ResourceUsage Unknown = new(null, null, null, null);

    /// <summary>
    /// The host's heat for placement: the largest known fraction, 0 when none is known. The maximum rather than
    /// an average because the most saturated resource is the one a new task queues behind — a host at 100 % disk
    /// and idle CPU is no place for I/O work, and an average would call it half cool. A host with nothing known
    /// counts as cool so that a monitor failure does not shut it out of placement.
    /// </summary>
    public double Heat => Math.Max(Math.Max(Cpu ?? 0, Memory ?? 0), Math.Max(Disk ?? 0, Network ?? 0));

    /// <summary>
    /// The usage between two readings of the same host:
    /// cpu = 1 − Δidle / Δtotal; memory = 1 − available / total, from <paramref name="later"/>;
    /// disk = the busiest disk's Δio_ticks (ms) / Δt (ms); network = the busiest interface's
    /// (Δrx + Δtx) bytes × 8 / Δt (s) over its link speed, in bits. Each is clamped to [0, 1]. Disks and
    /// interfaces count only when in both readings; a counter that went down (reset, wrap, interface re-created)
    /// counts that device as idle for the interval rather than as a huge or negative rate.
    /// </summary>
    /// <param name="defaultLinkMbps">Link speed (Mb/s, above 0) for an interface whose readings carry none.</param>
    public static ResourceUsage Between(ProcSnapshot earlier, ProcSnapshot later, double defaultLinkMbps)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        if (!double.IsFinite(defaultLinkMbps) || defaultLinkMbps <= 0)
            throw new ArgumentOutOfRangeException(nameof(defaultLinkMbps), defaultLinkMbps, "must be a finite number above 0");

        var elapsedMs = (later.Timestamp - earlier.Timestamp).TotalMilliseconds;
        return new ResourceUsage(
            CpuBetween(earlier.Cpu, later.Cpu),
            MemoryOf(later.Memory),
            elapsedMs > 0 ? DiskBetween(earlier, later, elapsedMs) : null,
            elapsedMs > 0 ? NetworkBetween(earlier, later, elapsedMs / 1000, defaultLinkMbps) : null);
    }

    private static double? CpuBetween(CpuTimes? earlier, CpuTimes? later)
    {
        if (earlier is null || later is null) return null;
        double total = later.Total - earlier.Total;
        if (total <= 0) return null;
        return Clamp(1 - (later.Idle - earlier.Idle) / total);
    }

    private static double? MemoryOf(MemoryInfo? memory) =>
        memory is { TotalKb: > 0 } ? Clamp(1 - (double)memory.AvailableKb / memory.TotalKb) : null;

    private static double? DiskBetween(ProcSnapshot earlier, ProcSnapshot later, double elapsedMs)
    {
        if (earlier.DiskIoMs is null || later.DiskIoMs is null) return null;
        double? busiest = null;
        foreach (var (disk, ms) in later.DiskIoMs)
        {
            if (!earlier.DiskIoMs.TryGetValue(disk, out var before)) continue;
            var busy = Clamp(Math.Max(0, ms - before) / elapsedMs);
            busiest = Math.Max(busiest ?? 0, busy);
        }

        return busiest;
    }

    private static double? NetworkBetween(ProcSnapshot earlier, ProcSnapshot later, double elapsedSeconds, double defaultLinkMbps)
    {
        if (earlier.Network is null || later.Network is null) return null;
        double? busiest = null;
        foreach (var (name, after) in later.Network)
        {
            if (!earlier.Network.TryGetValue(name, out var before)) continue;
            long rx = after.RxBytes - before.RxBytes, tx = after.TxBytes - before.TxBytes;
            var bytes = rx < 0 || tx < 0 ? 0 : (double)rx + tx;
            var linkMbps = after.LinkMbps ?? before.LinkMbps ?? defaultLinkMbps;
            if (!double.IsFinite(linkMbps) || linkMbps <= 0) linkMbps = defaultLinkMbps;
            busiest = Math.Max(busiest ?? 0, Clamp(bytes * 8 / elapsedSeconds / (linkMbps * 1e6)));
        }

        return busiest;
    }

    private static double Clamp(double fraction) => double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1);
}
