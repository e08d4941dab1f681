namespace TaskAffinity.Core.Tests.Monitoring;

/// <summary>Realistic texts of the Linux counter files (a 2-core VM and a laptop, trimmed), for the parsers and the reader.</summary>
internal static class ProcFixtures
{
    // Total = user..steal = 1273834 + 0 + 161783 + 3086456 + 21815 + 0 + 7340 + 6897 = 4558125; idle + iowait = 3108271.
    public const string Stat = """
        cpu  1273834 0 161783 3086456 21815 0 7340 6897 0 0
        cpu0 624801 0 75232 1568405 5167 0 2357 3429 0 0
        cpu1 649033 0 86551 1518051 16648 0 4983 3468 0 0
        intr 401253391 0 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0
        ctxt 720114853
        btime 1733212050
        processes 2211754
        procs_running 2
        procs_blocked 0
        softirq 96351224 2 27530104 5 6001452 0 0 1210 35006457 0 27601994
        """;

    public const long StatTotal = 4558125, StatIdle = 3108271;

    public const string Meminfo = """
        MemTotal:       24684096 kB
        MemFree:        23410580 kB
        MemAvailable:   24256164 kB
        Buffers:           20076 kB
        Cached:           947964 kB
        SwapCached:            0 kB
        Active:           192256 kB
        Inactive:         773108 kB
        SwapTotal:             0 kB
        SwapFree:              0 kB
        Dirty:                 8 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB
        """;

    // Whole disks: sda, nvme0n1, mmcblk0, vda, sdc1 (its disk sdc is not listed, so it is taken for a disk).
    // Partitions: sda1, sda2, nvme0n1p1, nvme0n1p2, mmcblk0p1. Not disks: loop0, loop1, ram0, zram0, dm-0.
    public const string Diskstats = """
           7       0 loop0 54 0 2142 20 0 0 0 0 0 36 20 0 0 0 0 0 0
           7       1 loop1 1183 0 9838 410 0 0 0 0 0 997 410 0 0 0 0 0 0
           1       0 ram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
           8       0 sda 412399 76533 29843246 228914 689002 524413 53384352 1217766 0 743180 1503020 0 0 0 0 42012 56339
           8       1 sda1 411805 76533 29826838 228720 689002 524413 53384352 1217766 0 743076 1446486 0 0 0 0 0 0
           8       2 sda2 147 0 6168 37 0 0 0 0 0 84 37 0 0 0 0 0 0
         259       0 nvme0n1 91218 3027 7541722 20991 144201 95006 9170298 120552 0 161220 172398 0 0 0 0 12820 30854
         259       1 nvme0n1p1 292 1012 19042 72 2 0 2 0 0 104 72 0 0 0 0 0 0
         259       2 nvme0n1p2 90836 2015 7518464 20901 144199 95006 9170296 120552 0 161140 141453 0 0 0 0 0 0
         179       0 mmcblk0 2154 611 197066 5830 2 0 16 8 0 4400 5838 0 0 0 0 0 0
         179       1 mmcblk0p1 2065 611 193042 5785 2 0 16 8 0 4370 5793 0 0 0 0 0 0
         254       0 vda 637713 52723 31312026 3674315 2146703 206065 101557264 443106 0 393268 4183415 172357 52 52493496 24462 780637 41530
           8      33 sdc1 500 0 4000 100 0 0 0 0 0 77 100 0 0 0 0 0 0
         253       0 zram0 4 0 32 0 0 0 0 0 0 20 0 0 0 0 0 0 0
         253       1 dm-0 90700 0 7500000 21000 239000 0 9100000 150000 0 170000 171000 0 0 0 0 0 0
        """;

    // eth0 and wlan0 in the modern layout; enp0s31f6 in the old one where a long name runs into its first counter.
    public const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 2533810399 5644053    0    0    0     0          0         0 2533810399 5644053    0    0    0     0       0          0
          eth0: 541715190   14308    0    0    0     0          0         0   797854    9042    0    0    0     0       0          0
         wlan0: 1873400112 1501277    0  131    0     0          0         0 210773301  690142    0    0    0     0       0          0
        enp0s31f6:98765432  70000    0    0    0     0          0         0 12345678   50000    0    0    0     0       0          0
        """;
}
