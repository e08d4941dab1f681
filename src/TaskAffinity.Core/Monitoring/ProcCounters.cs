namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// The first <c>cpu</c> line of <c>/proc/stat</c>, in jiffies since boot, summed over all cores. Only differences
/// between two readings mean anything. <see cref="Idle"/> counts iowait as idle: a core waiting on a disk could
/// run another task, so it is not busy for placement (the disk shows up in the disk fraction instead).
/// </summary>
public sealed record CpuTimes(long Total, long Idle);

/// <summary>
/// <c>MemTotal</c> and <c>MemAvailable</c> from <c>/proc/meminfo</c>, in kB. Available, not free: page cache the
/// kernel would give back on demand is not memory a new task has to fight for.
/// </summary>
public sealed record MemoryInfo(long TotalKb, long AvailableKb);

/// <summary>
/// One network interface's byte counters since it came up, and its link speed in Mb/s when known (null: the
/// reader of the two snapshots supplies a default).
/// </summary>
public sealed record InterfaceCounters(long RxBytes, long TxBytes, double? LinkMbps = null);
