using Shouldly;
using TaskAffinity.Core.Monitoring;
using Xunit;

namespace TaskAffinity.Core.Tests.Monitoring;

public class ResourceSmootherSpec
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Nothing_is_known_before_the_first_sample()
    {
        new ResourceSmoother(0.3).Current.ShouldBe(ResourceUsage.Unknown);
    }

    [Fact]
    public void The_first_sample_is_taken_as_is()
    {
        var sample = new ResourceUsage(0.5, 0.25, 0.1, 0.9);

        new ResourceSmoother(0.3).Add(sample).ShouldBe(sample);
    }

    [Fact]
    public void Each_later_sample_weighs_alpha_against_the_previous_value()
    {
        var smoother = new ResourceSmoother(0.3);
        smoother.Add(new ResourceUsage(0.5, 0.0, 1.0, 0.2));

        var next = smoother.Add(new ResourceUsage(1.0, 1.0, 0.0, 0.2));

        next.Cpu.ShouldNotBeNull().ShouldBe(0.3 * 1.0 + 0.7 * 0.5, Tolerance);
        next.Memory.ShouldNotBeNull().ShouldBe(0.3, Tolerance);
        next.Disk.ShouldNotBeNull().ShouldBe(0.7, Tolerance);
        next.Network.ShouldNotBeNull().ShouldBe(0.2, Tolerance);
        smoother.Current.ShouldBe(next);

        smoother.Add(new ResourceUsage(1.0, 1.0, 0.0, 0.2)).Cpu.ShouldNotBeNull().ShouldBe(0.3 + 0.7 * 0.65, Tolerance);
    }

    [Fact]
    public void A_null_sample_keeps_the_previous_value_and_a_first_known_one_is_taken_as_is()
    {
        var smoother = new ResourceSmoother(0.5);
        smoother.Add(new ResourceUsage(0.4, null, null, null));

        var next = smoother.Add(new ResourceUsage(null, 0.8, null, null));

        next.ShouldBe(new ResourceUsage(0.4, 0.8, null, null));
    }

    [Fact]
    public void Alpha_one_follows_the_samples_exactly()
    {
        var smoother = new ResourceSmoother(1);
        smoother.Add(new ResourceUsage(0.1, 0.1, 0.1, 0.1));

        smoother.Add(new ResourceUsage(0.9, 0.8, 0.7, 0.6)).ShouldBe(new ResourceUsage(0.9, 0.8, 0.7, 0.6));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Alpha_outside_zero_to_one_is_refused_naming_it(double alpha)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ResourceSmoother(alpha)).ParamName.ShouldBe("alpha");
    }
}
