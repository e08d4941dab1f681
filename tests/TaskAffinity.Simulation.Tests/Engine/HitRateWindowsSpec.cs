using Shouldly;
using TaskAffinity.Simulation.Engine;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

public sealed class HitRateWindowsSpec
{
    [Fact]
    public void Windows_widen_to_cover_the_run_and_keep_every_read()
    {
        var windows = new HitRateWindows();

        windows.Add(0.0005, reads: 2, hits: 2);
        windows.Add(5, reads: 1, hits: 0);
        windows.Add(100, reads: 4, hits: 1);

        var all = windows.Windows();
        all.Sum(w => w.Reads).ShouldBe(7);
        all.Sum(w => w.Hits).ShouldBe(3);
        (all[0].FromS, all[0].Rate).ShouldBe((0, 1));
        all[^1].FromS.ShouldBeLessThanOrEqualTo(100);
        all[^1].ToS.ShouldBeGreaterThan(100);
        all[^1].Rate.ShouldBe(0.25);
        // the last read needed the width to double until 128 windows reach past 100 s, and no further
        var width = all[0].ToS - all[0].FromS;
        (HitRateWindows.Count * width).ShouldBeGreaterThan(100);
        (HitRateWindows.Count * width / 2).ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public void Reads_in_one_window_share_its_rate()
    {
        var windows = new HitRateWindows();

        windows.Add(0.0001, reads: 3, hits: 1);
        windows.Add(0.0002, reads: 1, hits: 1);

        windows.Windows().ShouldHaveSingleItem().Rate.ShouldBe(0.5);
    }
}
