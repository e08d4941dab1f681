using Shouldly;
using TaskAffinity.Core.Monitoring;
using Xunit;

namespace TaskAffinity.Core.Tests.Monitoring;

public sealed class ProcReaderSpec : IDisposable
{
    // A fixture tree root/proc/... and root/sys/class/net/..., removed after each test.
    private readonly string _root = Directory.CreateTempSubdirectory("procreader-").FullName;

    public ProcReaderSpec()
    {
        Write("proc/stat", ProcFixtures.Stat);
        Write("proc/meminfo", ProcFixtures.Meminfo);
        Write("proc/diskstats", ProcFixtures.Diskstats);
        Write("proc/net/dev", ProcFixtures.NetDev);
        Write("sys/class/net/eth0/speed", "10000\n");
        Write("sys/class/net/wlan0/speed", "-1\n");
        // enp0s31f6 has no speed file at all.
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void Reads_every_file_under_the_root_and_stamps_the_given_time()
    {
        var at = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

        var snapshot = new ProcReader(_root).Read(at);

        snapshot.Problems.ShouldBeEmpty();
        snapshot.Timestamp.ShouldBe(at);
        snapshot.Cpu.ShouldBe(new CpuTimes(ProcFixtures.StatTotal, ProcFixtures.StatIdle));
        snapshot.Memory.ShouldBe(new MemoryInfo(24684096, 24256164));
        snapshot.DiskIoMs.ShouldNotBeNull()["sda"].ShouldBe(743180);
        snapshot.Network.ShouldNotBeNull()["eth0"].RxBytes.ShouldBe(541715190);
    }

    [Fact]
    public void Link_speed_comes_from_the_sys_file_else_the_configured_default()
    {
        var network = new ProcReader(_root, defaultLinkMbps: 2500).Read(DateTimeOffset.UnixEpoch).Network.ShouldNotBeNull();

        network["eth0"].LinkMbps.ShouldBe(10000);
        network["wlan0"].LinkMbps.ShouldBe(2500); // -1: the driver does not know
        network["enp0s31f6"].LinkMbps.ShouldBe(2500); // no file
    }

    [Theory]
    [InlineData("0\n")]
    [InlineData("fast\n")]
    [InlineData("")]
    public void A_speed_file_without_a_positive_number_gives_the_default(string text)
    {
        Write("sys/class/net/eth0/speed", text);

        new ProcReader(_root, defaultLinkMbps: 100).LinkMbps("eth0").ShouldBe(100);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../../proc")]
    [InlineData("")]
    public void An_interface_name_that_is_not_a_name_gets_the_default_without_a_lookup(string iface)
    {
        new ProcReader(_root, defaultLinkMbps: 100).LinkMbps(iface).ShouldBe(100);
    }

    [Fact]
    public void The_default_reader_reads_the_host_root_with_a_gigabit_default()
    {
        var reader = new ProcReader();

        reader.Root.ShouldBe("/");
        reader.DefaultLinkMbps.ShouldBe(1000);
    }

    [Fact]
    public void A_missing_file_leaves_its_part_null_with_a_problem_naming_it()
    {
        File.Delete(Path.Combine(_root, "proc/diskstats"));

        var snapshot = new ProcReader(_root).Read(DateTimeOffset.UnixEpoch);

        snapshot.DiskIoMs.ShouldBeNull();
        snapshot.Cpu.ShouldNotBeNull();
        snapshot.Problems.ShouldHaveSingleItem().ShouldStartWith("/proc/diskstats: cannot read (FileNotFoundException");
    }

    [Fact]
    public void A_malformed_file_leaves_its_part_null_with_the_parsers_problem()
    {
        Write("proc/meminfo", "MemFree: 1 kB\n");

        var snapshot = new ProcReader(_root).Read(DateTimeOffset.UnixEpoch);

        snapshot.Memory.ShouldBeNull();
        snapshot.Problems.ShouldBe(["/proc/meminfo: no MemTotal line; no MemAvailable line"]);
    }

    [Fact]
    public void A_root_that_does_not_exist_gives_an_empty_snapshot_and_four_problems_not_an_exception()
    {
        var snapshot = new ProcReader(Path.Combine(_root, "nowhere")).Read(DateTimeOffset.UnixEpoch);

        snapshot.Cpu.ShouldBeNull();
        snapshot.Memory.ShouldBeNull();
        snapshot.DiskIoMs.ShouldBeNull();
        snapshot.Network.ShouldBeNull();
        snapshot.Problems.Select(p => p[..p.IndexOf(':')])
            .ShouldBe(["/proc/stat", "/proc/meminfo", "/proc/diskstats", "/proc/net/dev"]);
        snapshot.Problems.ShouldAllBe(p => p.Contains("cannot read (DirectoryNotFoundException"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_default_link_speed_not_above_zero_is_refused(double mbps)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ProcReader(_root, mbps)).ParamName.ShouldBe("defaultLinkMbps");
    }

    [Fact]
    public void The_real_proc_of_this_linux_host_read_200_ms_apart_gives_fractions_in_range()
    {
        var reader = new ProcReader();
        var earlier = reader.Read(DateTimeOffset.UtcNow);
        Thread.Sleep(200);
        var later = reader.Read(DateTimeOffset.UtcNow);

        var usage = ResourceUsage.Between(earlier, later, reader.DefaultLinkMbps);

        usage.Cpu.ShouldNotBeNull().ShouldBeInRange(0, 1);
        usage.Memory.ShouldNotBeNull().ShouldBeInRange(0, 1);
        if (usage.Disk is { } disk) disk.ShouldBeInRange(0, 1);
        if (usage.Network is { } network) network.ShouldBeInRange(0, 1);
        usage.Heat.ShouldBeInRange(0, 1);
    }
}
