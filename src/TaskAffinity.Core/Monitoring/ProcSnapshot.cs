using System.Collections.Immutable;

namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// One raw reading of the Linux counters a host's load is computed from; <see cref="ResourceUsage.Between"/>
/// turns two readings into fractions. Each part is null when its file was missing or could not be parsed, so a
/// host without (say) <c>/proc/diskstats</c> still reports CPU and memory; <see cref="Problems"/> says why.
/// </summary>
/// <param name="Timestamp">When the reading was taken; disk and network rates are per unit of this clock.</param>
/// <param name="Cpu">From <c>/proc/stat</c>.</param>
/// <param name="Memory">From <c>/proc/meminfo</c>.</param>
/// <param name="DiskIoMs">Per whole disk, milliseconds spent doing I/O (io_ticks) since boot, from <c>/proc/diskstats</c>.</param>
/// <param name="Network">Per interface but <c>lo</c>, from <c>/proc/net/dev</c>.</param>
/// <param name="Problems">One short message per file that was missing or malformed, naming the file; empty when all read well.</param>
public sealed record ProcSnapshot(
    DateTimeOffset Timestamp,
    CpuTimes? Cpu,
    MemoryInfo? Memory,
    ImmutableDictionary<string, long>? DiskIoMs,
    ImmutableDictionary<string, InterfaceCounters>? Network,
    ImmutableArray<string> Problems)
{
    /// <summary>
    /// A snapshot from the texts of <c>/proc/stat</c>, <c>/proc/meminfo</c>, <c>/proc/diskstats</c> and
    /// <c>/proc/net/dev</c> (null: the file could not be read). Never throws on bad content. Link speeds are left
    /// unknown; <see cref="ProcReader"/> fills them in from <c>/sys</c>.
    /// </summary>
    public static ProcSnapshot Parse(DateTimeOffset timestamp, string? stat, string? meminfo, string? diskstats, string? netDev)
    {
        var problems = ImmutableArray.CreateBuilder<string>();
        var cpu = ProcParsers.ParseStat(stat, out var problem);
        Note(problems, problem);
        var memory = ProcParsers.ParseMeminfo(meminfo, out problem);
        Note(problems, problem);
        var disks = ProcParsers.ParseDiskstats(diskstats, out problem);
        Note(problems, problem);
        var network = ProcParsers.ParseNetDev(netDev, out problem);
        Note(problems, problem);
        return new ProcSnapshot(timestamp, cpu, memory, disks, network, problems.ToImmutable());
    }

    private static void Note(ImmutableArray<string>.Builder problems, string? problem)
    {
        if (problem is not null) problems.Add(problem);
    }
}
