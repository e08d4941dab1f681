using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Monitoring;
using Xunit;

namespace TaskAffinity.Core.Tests.Monitoring;

public class ResourceUsageSpec
{
    private const double Tolerance = 1e-12;
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static ProcSnapshot Snap(double seconds, CpuTimes? cpu = null, MemoryInfo? memory = null,
        (string Name, long Ms)[]? disks = null, (string Name, long Rx, long Tx, double? Mbps)[]? network = null) =>
        new(T0.AddSeconds(seconds), cpu, memory,
            disks?.ToImmutableDictionary(d => d.Name, d => d.Ms),
            network?.ToImmutableDictionary(n => n.Name, n => new InterfaceCounters(n.Rx, n.Tx, n.Mbps)),
            []);

    [Fact]
    public void Cpu_is_one_minus_the_idle_share_of_the_jiffies_between_readings()
    {
        // 200 jiffies pass, 50 of them idle: 75 % busy.
        var usage = ResourceUsage.Between(Snap(0, cpu: new(1000, 600)), Snap(2, cpu: new(1200, 650)), 1000);

        usage.Cpu.ShouldNotBeNull().ShouldBe(0.75, Tolerance);
    }

    [Fact]
    public void Cpu_is_unknown_when_either_reading_lacks_it_or_no_jiffies_passed()
    {
        ResourceUsage.Between(Snap(0), Snap(2, cpu: new(1200, 650)), 1000).Cpu.ShouldBeNull();
        ResourceUsage.Between(Snap(0, cpu: new(1000, 600)), Snap(2), 1000).Cpu.ShouldBeNull();
        ResourceUsage.Between(Snap(0, cpu: new(1000, 600)), Snap(2, cpu: new(1000, 600)), 1000).Cpu.ShouldBeNull();
        ResourceUsage.Between(Snap(0, cpu: new(1000, 600)), Snap(2, cpu: new(900, 500)), 1000).Cpu.ShouldBeNull();
    }

    [Fact]
    public void Cpu_is_clamped_when_idle_grew_more_than_the_total()
    {
        ResourceUsage.Between(Snap(0, cpu: new(1000, 600)), Snap(2, cpu: new(1100, 800)), 1000).Cpu.ShouldBe(0);
    }

    [Fact]
    public void Memory_is_the_share_not_available_in_the_later_reading()
    {
        var usage = ResourceUsage.Between(Snap(0, memory: new(1000, 1000)), Snap(2, memory: new(16_000_000, 4_000_000)), 1000);

        usage.Memory.ShouldNotBeNull().ShouldBe(0.75, Tolerance);
        ResourceUsage.Between(Snap(0, memory: new(1000, 500)), Snap(2), 1000).Memory.ShouldBeNull();
        ResourceUsage.Between(Snap(0), Snap(2, memory: new(1000, 1500)), 1000).Memory.ShouldBe(0); // clamped
    }

    [Fact]
    public void Disk_is_the_busiest_disks_io_time_over_the_elapsed_time()
    {
        // 2 s = 2000 ms: sda busy 500 ms (25 %), nvme0n1 busy 1500 ms (75 %).
        var usage = ResourceUsage.Between(
            Snap(0, disks: [("sda", 10_000), ("nvme0n1", 3_000)]),
            Snap(2, disks: [("sda", 10_500), ("nvme0n1", 4_500)]), 1000);

        usage.Disk.ShouldNotBeNull().ShouldBe(0.75, Tolerance);
    }

    [Fact]
    public void Disk_busier_than_the_clock_is_clamped_to_one_and_a_reset_counter_counts_as_idle()
    {
        ResourceUsage.Between(Snap(0, disks: [("sda", 0)]), Snap(1, disks: [("sda", 1_300)]), 1000).Disk.ShouldBe(1);
        ResourceUsage.Between(Snap(0, disks: [("sda", 9_000)]), Snap(1, disks: [("sda", 100)]), 1000).Disk.ShouldBe(0);
    }

    [Fact]
    public void Disk_is_unknown_without_a_disk_in_both_readings_or_without_elapsed_time()
    {
        ResourceUsage.Between(Snap(0, disks: []), Snap(1, disks: []), 1000).Disk.ShouldBeNull();
        ResourceUsage.Between(Snap(0, disks: [("sda", 0)]), Snap(1, disks: [("sdb", 10)]), 1000).Disk.ShouldBeNull();
        ResourceUsage.Between(Snap(0), Snap(1, disks: [("sda", 10)]), 1000).Disk.ShouldBeNull();
        ResourceUsage.Between(Snap(1, disks: [("sda", 0)]), Snap(1, disks: [("sda", 10)]), 1000).Disk.ShouldBeNull();
    }

    [Fact]
    public void Network_is_the_busiest_interfaces_bits_per_second_over_its_link_speed()
    {
        // 2 s. eth0: 25e6 + 25e6 bytes = 400e6 bits = 200 Mb/s on a 1000 Mb/s link: 20 %.
        // wlan0: 10e6 bytes = 80e6 bits = 40 Mb/s on 100 Mb/s (the default): 40 %.
        var usage = ResourceUsage.Between(
            Snap(0, network: [("eth0", 1_000, 2_000, 1000), ("wlan0", 0, 0, null)]),
            Snap(2, network: [("eth0", 25_001_000, 25_002_000, 1000), ("wlan0", 5_000_000, 5_000_000, null)]),
            defaultLinkMbps: 100);

        usage.Network.ShouldNotBeNull().ShouldBe(0.4, Tolerance);
    }

    [Fact]
    public void Network_above_the_link_speed_is_clamped_to_one()
    {
        // 1 s, 250e6 bytes = 2 Gb/s on a 1 Gb/s link.
        ResourceUsage.Between(Snap(0, network: [("eth0", 0, 0, 1000)]), Snap(1, network: [("eth0", 250_000_000, 0, 1000)]), 1000)
            .Network.ShouldBe(1);
    }

    [Fact]
    public void A_network_counter_that_went_back_counts_that_interface_as_idle_and_others_still_count()
    {
        // eth0 was re-created (counters restarted); eth1 moved 12.5e6 bytes = 100 Mb/s on 1000: 10 %.
        var usage = ResourceUsage.Between(
            Snap(0, network: [("eth0", 9_000_000_000, 9_000_000_000, 1000), ("eth1", 0, 0, 1000)]),
            Snap(1, network: [("eth0", 4_000, 900_000_000_000, 1000), ("eth1", 12_500_000, 0, 1000)]), 1000);

        usage.Network.ShouldNotBeNull().ShouldBe(0.1, Tolerance);
    }

    [Fact]
    public void Network_is_unknown_without_an_interface_in_both_readings()
    {
        ResourceUsage.Between(Snap(0, network: []), Snap(1, network: []), 1000).Network.ShouldBeNull();
        ResourceUsage.Between(Snap(0, network: [("eth0", 0, 0, null)]), Snap(1, network: [("eth1", 5, 5, null)]), 1000)
            .Network.ShouldBeNull();
        ResourceUsage.Between(Snap(0), Snap(1, network: [("eth0", 5, 5, null)]), 1000).Network.ShouldBeNull();
    }

    [Fact]
    public void Usage_between_two_fixture_readings_uses_every_counter()
    {
        var earlier = ProcSnapshot.Parse(T0, ProcFixtures.Stat, ProcFixtures.Meminfo, ProcFixtures.Diskstats, ProcFixtures.NetDev);
        var later = earlier with
        {
            Timestamp = T0.AddSeconds(2),
            Cpu = new CpuTimes(ProcFixtures.StatTotal + 400, ProcFixtures.StatIdle + 300),
            DiskIoMs = earlier.DiskIoMs!.SetItem("vda", earlier.DiskIoMs!["vda"] + 1_000),
            Network = earlier.Network!.SetItem("eth0", new InterfaceCounters(541715190 + 62_500_000, 797854)),
        };

        var usage = ResourceUsage.Between(earlier, later, 1000);

        usage.Cpu.ShouldNotBeNull().ShouldBe(0.25, Tolerance);
        usage.Memory.ShouldNotBeNull().ShouldBe(1 - 24256164.0 / 24684096, Tolerance);
        usage.Disk.ShouldNotBeNull().ShouldBe(0.5, Tolerance);
        usage.Network.ShouldNotBeNull().ShouldBe(0.25, Tolerance); // 500e6 bits / 2 s = 250 Mb/s of 1000
    }

    [Fact]
    public void A_default_link_speed_not_above_zero_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => ResourceUsage.Between(Snap(0), Snap(1), 0))
            .ParamName.ShouldBe("defaultLinkMbps");
    }

    [Fact]
    public void Heat_is_the_most_saturated_known_resource()
    {
        new ResourceUsage(0.2, 0.5, 0.9, 0.1).Heat.ShouldBe(0.9);
        new ResourceUsage(0.6, null, null, 0.3).Heat.ShouldBe(0.6);
        new ResourceUsage(null, null, null, 0.3).Heat.ShouldBe(0.3);
    }

    [Fact]
    public void Heat_is_zero_when_nothing_is_known()
    {
        ResourceUsage.Unknown.Heat.ShouldBe(0);
    }
}
