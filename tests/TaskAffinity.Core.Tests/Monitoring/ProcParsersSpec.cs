using Shouldly;
using TaskAffinity.Core.Monitoring;
using Xunit;

namespace TaskAffinity.Core.Tests.Monitoring;

public class ProcParsersSpec
{
    [Fact]
    public void Stat_gives_total_and_idle_plus_iowait_jiffies_of_the_first_cpu_line()
    {
        var cpu = ProcParsers.ParseStat(ProcFixtures.Stat, out var problem);

        problem.ShouldBeNull();
        cpu.ShouldBe(new CpuTimes(ProcFixtures.StatTotal, ProcFixtures.StatIdle));
    }

    [Fact]
    public void Stat_leaves_guest_time_out_of_the_total_because_user_already_holds_it()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var cpu = ProcParsers.ParseStat("cpu  100 0 50 800 40 5 5 0 30 7\n", out _);

        cpu.ShouldBe(new CpuTimes(1000, 840));
    }

    [Fact]
    public void Stat_of_an_old_kernel_with_four_columns_reads_the_rest_as_zero()
    {
        ProcParsers.ParseStat("cpu 10 0 20 70\n", out var problem).ShouldBe(new CpuTimes(100, 70));
        problem.ShouldBeNull();
    }

    [Theory]
    [InlineData(null, "/proc/stat: no content")]
    [InlineData("", "/proc/stat: no content")]
    [InlineData("cpu0 1 2 3 4\nintr 5\n", "/proc/stat: no 'cpu ' line")]
    [InlineData("cpu  1 2 3\n", "/proc/stat: cpu line has too few fields")]
    [InlineData("cpu  1 2 x 4 5\n", "/proc/stat: cpu line has a non-number")]
    [InlineData("cpu  1 2 -3 4 5\n", "/proc/stat: cpu line has a non-number")]
    [InlineData("cpu  99999999999999999999 2 3 4\n", "/proc/stat: cpu line has a non-number")]
    public void Bad_stat_gives_no_cpu_and_a_problem_naming_the_file(string? text, string expected)
    {
        var cpu = ProcParsers.ParseStat(text, out var problem);

        cpu.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldStartWith(expected);
    }

    [Fact]
    public void Meminfo_gives_total_and_available_kb()
    {
        var memory = ProcParsers.ParseMeminfo(ProcFixtures.Meminfo, out var problem);

        problem.ShouldBeNull();
        memory.ShouldBe(new MemoryInfo(24684096, 24256164));
    }

    [Theory]
    [InlineData("MemFree: 10 kB\nMemAvailable: 5 kB\n", "/proc/meminfo: no MemTotal line")]
    [InlineData("MemTotal: 10 kB\nMemFree: 5 kB\n", "/proc/meminfo: no MemAvailable line")]
    [InlineData("Buffers: 1 kB\n", "/proc/meminfo: no MemTotal line; no MemAvailable line")]
    [InlineData("MemTotal: lots kB\nMemAvailable: 5 kB\n", "/proc/meminfo: malformed MemTotal line: 'MemTotal: lots kB'")]
    [InlineData("MemTotal: 10 kB\nMemAvailable:\n", "/proc/meminfo: malformed MemAvailable line: 'MemAvailable:'")]
    [InlineData("MemTotal: 0 kB\nMemAvailable: 0 kB\n", "/proc/meminfo: MemTotal is 0")]
    [InlineData("\n\n", "/proc/meminfo: no content")]
    [InlineData("\u0000\u0001garbage", "/proc/meminfo: no MemTotal line; no MemAvailable line")]
    public void Bad_meminfo_gives_no_memory_and_a_problem_naming_the_file_and_line(string text, string expected)
    {
        var memory = ProcParsers.ParseMeminfo(text, out var problem);

        memory.ShouldBeNull();
        problem.ShouldBe(expected);
    }

    [Fact]
    public void Diskstats_keeps_io_ticks_of_whole_disks_only()
    {
        var disks = ProcParsers.ParseDiskstats(ProcFixtures.Diskstats, out var problem);

        problem.ShouldBeNull();
        disks.ShouldNotBeNull();
        disks.Keys.Order(StringComparer.Ordinal).ShouldBe(["mmcblk0", "nvme0n1", "sda", "sdc1", "vda"]);
        disks["sda"].ShouldBe(743180);
        disks["nvme0n1"].ShouldBe(161220);
        disks["mmcblk0"].ShouldBe(4400);
        disks["vda"].ShouldBe(393268);
    }

    [Fact]
    public void Diskstats_with_only_loop_and_ram_devices_is_read_but_holds_no_disk()
    {
        var text = "   7 0 loop0 1 0 2 0 0 0 0 0 0 3 0 0 0 0 0 0 0\n   1 0 ram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

        var disks = ProcParsers.ParseDiskstats(text, out var problem);

        problem.ShouldBeNull();
        disks.ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public void A_malformed_diskstats_line_is_dropped_with_a_problem_and_the_rest_is_kept()
    {
        var text = ProcFixtures.Diskstats + "\n   8 16 sdb 1 2 3\n   8 32 sdd 1 2 3 4 5 6 7 8 9 ten 11\n";

        var disks = ProcParsers.ParseDiskstats(text, out var problem);

        disks.ShouldNotBeNull().Count.ShouldBe(5);
        problem.ShouldBe("/proc/diskstats: 2 malformed lines, first: '8 16 sdb 1 2 3'");
    }

    [Theory]
    [InlineData(null, "/proc/diskstats: no content")]
    [InlineData("not a diskstats file", "/proc/diskstats: 1 malformed line, first: 'not a diskstats file'")]
    public void Unreadable_diskstats_gives_no_disks_and_a_problem(string? text, string expected)
    {
        ProcParsers.ParseDiskstats(text, out var problem).ShouldBeNull();
        problem.ShouldBe(expected);
    }

    [Fact]
    public void Net_dev_gives_bytes_per_interface_but_loopback()
    {
        var network = ProcParsers.ParseNetDev(ProcFixtures.NetDev, out var problem);

        problem.ShouldBeNull();
        network.ShouldNotBeNull();
        network.Keys.Order(StringComparer.Ordinal).ShouldBe(["enp0s31f6", "eth0", "wlan0"]);
        network["eth0"].ShouldBe(new InterfaceCounters(541715190, 797854));
        network["wlan0"].ShouldBe(new InterfaceCounters(1873400112, 210773301));
        network["enp0s31f6"].ShouldBe(new InterfaceCounters(98765432, 12345678));
        network["eth0"].LinkMbps.ShouldBeNull();
    }

    [Fact]
    public void Net_dev_with_only_headers_and_loopback_is_read_but_holds_no_interface()
    {
        var lines = ProcFixtures.NetDev.Split('\n');
        var text = string.Join('\n', lines[..3]);

        var network = ProcParsers.ParseNetDev(text, out var problem);

        problem.ShouldBeNull();
        network.ShouldNotBeNull().ShouldBeEmpty();
    }

    [Fact]
    public void A_malformed_net_dev_line_is_dropped_with_a_problem_and_the_rest_is_kept()
    {
        var text = ProcFixtures.NetDev + "\n  eth1: 12 34\nbogus line\n";

        var network = ProcParsers.ParseNetDev(text, out var problem);

        network.ShouldNotBeNull().Count.ShouldBe(3);
        problem.ShouldBe("/proc/net/dev: 2 malformed lines, first: 'eth1: 12 34'");
    }

    [Theory]
    [InlineData(null, "/proc/net/dev: no content")]
    [InlineData("garbage\n", "/proc/net/dev: 1 malformed line, first: 'garbage'")]
    public void Unreadable_net_dev_gives_no_interfaces_and_a_problem(string? text, string expected)
    {
        ProcParsers.ParseNetDev(text, out var problem).ShouldBeNull();
        problem.ShouldBe(expected);
    }

    [Fact]
    public void A_snapshot_parsed_from_good_texts_has_every_part_and_no_problem()
    {
        var at = DateTimeOffset.UnixEpoch;

        var snapshot = ProcSnapshot.Parse(at, ProcFixtures.Stat, ProcFixtures.Meminfo, ProcFixtures.Diskstats, ProcFixtures.NetDev);

        snapshot.Timestamp.ShouldBe(at);
        snapshot.Cpu.ShouldNotBeNull();
        snapshot.Memory.ShouldNotBeNull();
        snapshot.DiskIoMs.ShouldNotBeNull();
        snapshot.Network.ShouldNotBeNull();
        snapshot.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void A_snapshot_with_bad_parts_keeps_the_good_ones_and_lists_a_problem_per_bad_file()
    {
        var snapshot = ProcSnapshot.Parse(DateTimeOffset.UnixEpoch, "junk", ProcFixtures.Meminfo, null, ProcFixtures.NetDev);

        snapshot.Cpu.ShouldBeNull();
        snapshot.DiskIoMs.ShouldBeNull();
        snapshot.Memory.ShouldNotBeNull();
        snapshot.Network.ShouldNotBeNull();
        snapshot.Problems.ShouldBe(["/proc/stat: no 'cpu ' line", "/proc/diskstats: no content"]);
    }
}
