using System.Collections.Immutable;
using System.Globalization;

namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// Parsers of the Linux counter files, from their text so they can be tested on fixtures. None throws: bad or
/// missing content gives null (or drops the bad lines) and a short problem naming the file and what was wrong,
/// because a monitor that dies on an odd kernel tells the scheduler less than one that reports what it could read.
/// </summary>
public static class ProcParsers
{
    public const string StatFile = "/proc/stat", MeminfoFile = "/proc/meminfo",
        DiskstatsFile = "/proc/diskstats", NetDevFile = "/proc/net/dev";

    // Device families that are not disks a task's I/O waits on: loop mounts, RAM disks, compressed swap in RAM,
    // and device-mapper volumes (their I/O is counted again on the disks beneath them).
    private static readonly string[] SkippedDevicePrefixes = ["loop", "ram", "zram", "dm-"];

    // /proc/diskstats: major minor name, then the stats; io_ticks (ms spent doing I/O) is the 10th stat.
    private const int IoTicksColumn = 3 + 9;

    /// <summary>
    /// Total and idle jiffies from the first <c>cpu </c> line. Total is user + nice + system + idle + iowait +
    /// irq + softirq + steal; guest and guest_nice are left out because the kernel already counts them in user
    /// and nice. Kernels that print fewer columns (at least the first four) are read with the rest as 0.
    /// </summary>
    public static CpuTimes? ParseStat(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail<CpuTimes>(StatFile, "no content", out problem);
        var line = Lines(text).FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null) return Fail<CpuTimes>(StatFile, "no 'cpu ' line", out problem);

        var fields = Fields(line);
        var values = new long[Math.Min(fields.Length - 1, 8)];
        if (values.Length < 4) return Fail<CpuTimes>(StatFile, $"cpu line has too few fields: '{Clip(line)}'", out problem);
        for (var i = 0; i < values.Length; i++)
            if (!TryCounter(fields[i + 1], out values[i]))
                return Fail<CpuTimes>(StatFile, $"cpu line has a non-number: '{Clip(line)}'", out problem);

        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        return new CpuTimes(values.Sum(), idle);
    }

    /// <summary><c>MemTotal</c> and <c>MemAvailable</c> (kB); null unless both are there, numeric, and total is above 0.</summary>
    public static MemoryInfo? ParseMeminfo(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail<MemoryInfo>(MeminfoFile, "no content", out problem);
        long? total = null, available = null;
        var issues = new List<string>();
        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var key = line[..colon];
            if (key is not ("MemTotal" or "MemAvailable")) continue;
            var fields = Fields(line[(colon + 1)..]);
            if (fields.Length == 0 || !TryCounter(fields[0], out var kb))
                issues.Add($"malformed {key} line: '{Clip(line)}'");
            else if (key == "MemTotal") total = kb;
            else available = kb;
        }

        if (total is null && !issues.Any(i => i.Contains("MemTotal", StringComparison.Ordinal))) issues.Add("no MemTotal line");
        if (available is null && !issues.Any(i => i.Contains("MemAvailable", StringComparison.Ordinal))) issues.Add("no MemAvailable line");
        if (total is <= 0) issues.Add($"MemTotal is {total}");
        if (issues.Count > 0) return Fail<MemoryInfo>(MeminfoFile, string.Join("; ", issues), out problem);
        return new MemoryInfo(total!.Value, available!.Value);
    }

    /// <summary>
    /// io_ticks (ms spent doing I/O) per whole disk. Skipped: names starting with <c>loop</c>, <c>ram</c>,
    /// <c>zram</c> or <c>dm-</c>, and partitions, taken to be a listed disk's name plus digits (<c>sda1</c>) or
    /// plus <c>p</c> and digits (<c>nvme0n1p2</c>) — a partition's I/O is already counted on its disk. Malformed
    /// lines are dropped with a problem; null only when no line could be read.
    /// </summary>
    public static ImmutableDictionary<string, long>? ParseDiskstats(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail<ImmutableDictionary<string, long>>(DiskstatsFile, "no content", out problem);
        var ticks = new Dictionary<string, long>(StringComparer.Ordinal);
        int bad = 0, read = 0;
        string? firstBad = null;
        foreach (var line in Lines(text))
        {
            var fields = Fields(line);
            if (fields.Length == 0) continue;
            if (fields.Length <= IoTicksColumn || !TryCounter(fields[IoTicksColumn], out var ms))
            {
                bad++;
                firstBad ??= line;
                continue;
            }

            read++;
            var name = fields[2];
            if (!SkippedDevicePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))) ticks[name] = ms;
        }

        if (bad > 0) problem = $"{DiskstatsFile}: {bad} malformed line{(bad == 1 ? "" : "s")}, first: '{Clip(firstBad!)}'";
        if (read == 0) return null;
        return ticks.Where(kv => !IsPartition(kv.Key, ticks)).ToImmutableDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// Received and transmitted bytes per interface but <c>lo</c> (traffic that never leaves the host). The two
    /// header lines (with <c>|</c>) are skipped; other lines without a name and at least 16 counters are dropped
    /// with a problem; null only when no interface line could be read and there was no header either.
    /// </summary>
    public static ImmutableDictionary<string, InterfaceCounters>? ParseNetDev(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text)) return Fail<ImmutableDictionary<string, InterfaceCounters>>(NetDevFile, "no content", out problem);
        var interfaces = ImmutableDictionary.CreateBuilder<string, InterfaceCounters>(StringComparer.Ordinal);
        int bad = 0, read = 0;
        var header = false;
        string? firstBad = null;
        foreach (var line in Lines(text))
        {
            if (line.Contains('|')) { header = true; continue; }
            if (string.IsNullOrWhiteSpace(line)) continue;

            // A long name may run into its first counter ("enp0s31f6:123"), so split at the colon, not on spaces.
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon].Trim() : "";
            var fields = colon > 0 ? Fields(line[(colon + 1)..]) : [];
            if (name.Length == 0 || fields.Length < 16 || !TryCounter(fields[0], out var rx) || !TryCounter(fields[8], out var tx))
            {
                bad++;
                firstBad ??= line;
                continue;
            }

            read++;
            if (name != "lo") interfaces[name] = new InterfaceCounters(rx, tx);
        }

        if (bad > 0) problem = $"{NetDevFile}: {bad} malformed line{(bad == 1 ? "" : "s")}, first: '{Clip(firstBad!)}'";
        if (read == 0 && !header)
        {
            problem ??= $"{NetDevFile}: no interface lines";
            return null;
        }

        return interfaces.ToImmutable();
    }

    private static bool IsPartition(string name, IReadOnlyDictionary<string, long> devices)
    {
        var stem = name.TrimEnd("0123456789".ToCharArray());
        if (stem.Length == name.Length || stem.Length == 0) return false;
        if (devices.ContainsKey(stem)) return true;
        return stem.Length > 1 && stem[^1] == 'p' && devices.ContainsKey(stem[..^1]);
    }

    private static T? Fail<T>(string file, string what, out string? problem)
        where T : class
    {
        problem = $"{file}: {what}";
        return null;
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd('\r'));

    private static string[] Fields(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    // Counters are unsigned decimal; anything else (signs, hex, overflow) is malformed.
    private static bool TryCounter(string field, out long value) =>
        long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string Clip(string line) => line.Length <= 60 ? line.Trim() : line[..57].Trim() + "...";
}
