using Shouldly;
using TaskAffinity.Core.Monitoring;
using Xunit;

namespace TaskAffinity.Core.Tests.Monitoring;

public class MonitorOptionsSpec
{
    [Fact]
    public void Defaults_are_two_seconds_alpha_point_three_and_a_gigabit_link_and_valid()
    {
        var options = MonitorOptions.Default;

        options.Interval.ShouldBe(TimeSpan.FromSeconds(2));
        options.SmoothingAlpha.ShouldBe(0.3);
        options.DefaultLinkMbps.ShouldBe(1000);
        options.Problems().ShouldBeEmpty();
    }

    [Fact]
    public void The_ends_of_each_range_are_valid()
    {
        new MonitorOptions { Interval = MonitorOptions.MinInterval, SmoothingAlpha = 1, DefaultLinkMbps = MonitorOptions.MaxLinkMbps }
            .Problems().ShouldBeEmpty();
        new MonitorOptions { Interval = MonitorOptions.MaxInterval, SmoothingAlpha = 1e-6, DefaultLinkMbps = 0.1 }
            .Problems().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(50, 0.3, 1000, "interval")]
    [InlineData(3_600_000, 0.3, 1000, "interval")]
    [InlineData(2000, 0, 1000, "smoothingAlpha")]
    [InlineData(2000, 1.5, 1000, "smoothingAlpha")]
    [InlineData(2000, double.NaN, 1000, "smoothingAlpha")]
    [InlineData(2000, 0.3, 0, "defaultLinkMbps")]
    [InlineData(2000, 0.3, -1, "defaultLinkMbps")]
    [InlineData(2000, 0.3, 2e6, "defaultLinkMbps")]
    [InlineData(2000, 0.3, double.PositiveInfinity, "defaultLinkMbps")]
    public void An_out_of_range_knob_is_a_problem_naming_it(double intervalMs, double alpha, double linkMbps, string key)
    {
        var options = new MonitorOptions
        {
            Interval = TimeSpan.FromMilliseconds(intervalMs), SmoothingAlpha = alpha, DefaultLinkMbps = linkMbps,
        };

        options.Problems().ShouldHaveSingleItem().ShouldStartWith(key + " must be");
    }

    [Fact]
    public void Every_bad_knob_is_listed()
    {
        new MonitorOptions { Interval = TimeSpan.Zero, SmoothingAlpha = 2, DefaultLinkMbps = -5 }.Problems().Count.ShouldBe(3);
    }
}
