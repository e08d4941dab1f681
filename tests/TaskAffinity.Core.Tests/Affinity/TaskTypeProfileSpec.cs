using Shouldly;
using TaskAffinity.Core.Affinity;
using Xunit;
using static TaskAffinity.Core.Tests.Affinity.Profiles;

namespace TaskAffinity.Core.Tests.Affinity;

public class TaskTypeProfileSpec
{
    [Fact]
    public void The_first_run_sets_the_averages()
    {
        var profile = TaskTypeProfile.Empty.Observe(Run("w1", "X", 120, cpu: 4, memoryMb: 8_000, ioMbps: 100), 20);

        profile.Samples.ShouldBe(1);
        profile.DurationMs.ShouldBe(120);
        profile.CpuUtil.ShouldBe(0.5);
        profile.MemoryUtil.ShouldBe(0.5);
        profile.IoUtil.ShouldBe(0.5);
        profile.ErrorRate.ShouldBe(0);
        profile.Penalty.ShouldBe(0);
    }

    [Fact]
    public void After_one_half_life_of_a_new_level_the_average_is_halfway_there()
    {
        var profile = TaskTypeProfile.Empty.Observe(Run("w1", "X", 100), 10);

        for (var i = 0; i < 10; i++) profile = profile.Observe(Run("w1", "X", 200), 10);

        profile.DurationMs.ShouldBe(150, tolerance: 1e-9);
        profile.Samples.ShouldBe(11);
    }

    [Fact]
    public void One_outlier_moves_the_average_by_alpha_only()
    {
        var profile = TaskTypeProfile.Empty.Observe(Run("w1", "X", 100), 20);

        var after = profile.Observe(Run("w1", "X", 10_000), 20);

        // α = 1 − 2^(−1/20) ≈ 0.0341
        TaskTypeProfile.Alpha(20).ShouldBe(0.0341, tolerance: 1e-4);
        after.DurationMs.ShouldBe(100 + TaskTypeProfile.Alpha(20) * 9_900, tolerance: 1e-9);
        after.DurationMs.ShouldBeLessThan(450);
    }

    [Fact]
    public void Utilisation_is_clipped_to_the_capacity_and_is_zero_without_capacity()
    {
        var over = TaskTypeProfile.Empty.Observe(Run("w1", "X", 10, cpu: 32), 20);
        var noCapacity = TaskTypeProfile.Empty.Observe(Run("w1", "X", 10) with { Capacity = Core.Tasks.ResourceVector.Zero }, 20);

        over.CpuUtil.ShouldBe(1);
        noCapacity.CpuUtil.ShouldBe(0);
        noCapacity.MemoryUtil.ShouldBe(0);
    }

    [Fact]
    public void A_failed_run_raises_the_error_rate_and_penalty_but_not_the_duration()
    {
        var profile = Warm(100);

        var after = profile.Observe(Run("w1", "X", 1, failed: true), 20);

        after.DurationMs.ShouldBe(profile.DurationMs);
        after.ErrorRate.ShouldBeGreaterThan(profile.ErrorRate);
        after.Penalty.ShouldBeGreaterThan(profile.Penalty);
    }

    [Fact]
    public void A_run_more_than_twice_as_slow_as_predicted_is_penalised()
    {
        var profile = Warm(100);

        var slow = profile.Observe(Run("w1", "X", 250, expectedMs: 100), 20);
        var onTime = profile.Observe(Run("w1", "X", 190, expectedMs: 100), 20);

        slow.Penalty.ShouldBeGreaterThan(profile.Penalty);
        onTime.Penalty.ShouldBeLessThanOrEqualTo(profile.Penalty);
    }

    [Fact]
    public void Without_a_prediction_the_profile_mean_is_the_expectation()
    {
        var profile = Warm(100);

        profile.Observe(Run("w1", "X", 300), 20).Penalty.ShouldBeGreaterThan(profile.Penalty);
        profile.Observe(Run("w1", "X", 150), 20).Penalty.ShouldBeLessThanOrEqualTo(profile.Penalty);
    }

    [Fact]
    public void A_bad_first_run_does_not_zero_the_pair()
    {
        var profile = TaskTypeProfile.Empty.Observe(Run("w1", "X", 100, failed: true), 20);

        profile.Penalty.ShouldBe(TaskTypeProfile.Alpha(20), tolerance: 1e-12);
        profile.ErrorRate.ShouldBe(1);
    }

    [Fact]
    public void Penalty_fades_once_runs_go_well_again()
    {
        var profile = Warm(100);
        for (var i = 0; i < 5; i++) profile = profile.Observe(Run("w1", "X", 100, failed: true), 20);
        var penalised = profile.Penalty;

        for (var i = 0; i < 40; i++) profile = profile.Observe(Run("w1", "X", 100), 20);

        profile.Penalty.ShouldBeLessThan(penalised / 3);
    }
}
