using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Core.Tests.Affinity.Profiles;

namespace TaskAffinity.Core.Tests.Affinity;

public class AffinityMapSpec
{
    private static readonly AffinityOptions Options = new();

    private static readonly AffinityOptions DurationOnly = new() { DefaultWeights = new AffinityWeights(1, 0, 0, 0, 0) };

    [Fact]
    public void The_worker_that_runs_a_type_three_times_faster_scores_higher()
    {
        var map = AffinityMap.Build([Entry("fast", "X", 100), Entry("slow", "X", 300)], Options);

        map.Score("fast", "X").ShouldBe(1, tolerance: 1e-9);
        map.Score("slow", "X").ShouldBeLessThan(0.75);
        map.Score("slow", "X").ShouldBeGreaterThan(0.5);
    }

    [Fact]
    public void Duration_is_normalised_by_its_ratio_to_the_best_worker()
    {
        var fast = new ProfileEntry("fast", "X", TaskTypeProfile.Empty with { Samples = 5, DurationMs = 100 });
        var slow = new ProfileEntry("slow", "X", TaskTypeProfile.Empty with { Samples = 5, DurationMs = 300 });

        var map = AffinityMap.Build([fast, slow], DurationOnly);

        // norm = (best + 1 ms) / (value + 1 ms)
        map.Score("slow", "X").ShouldBe(101.0 / 301.0, tolerance: 1e-12);
    }

    [Fact]
    public void Each_type_is_scored_with_its_own_weights()
    {
        // fast but error-prone vs slow and reliable: latency-only weights favour the first, error-only the second
        var quickButFlaky = new ProfileEntry("a", "X", TaskTypeProfile.Empty with { Samples = 9, DurationMs = 100, ErrorRate = 0.5 });
        var slowButSure = new ProfileEntry("b", "X", TaskTypeProfile.Empty with { Samples = 9, DurationMs = 300 });
        var errorsOnly = DurationOnly with
        {
            WeightsByType = ImmutableDictionary<TaskType, AffinityWeights>.Empty.Add("X", new AffinityWeights(0, 0, 0, 0, 1)),
        };

        var byLatency = AffinityMap.Build([quickButFlaky, slowButSure], DurationOnly);
        var byErrors = AffinityMap.Build([quickButFlaky, slowButSure], errorsOnly);

        byLatency.Score("a", "X").ShouldBeGreaterThan(byLatency.Score("b", "X"));
        byErrors.Score("a", "X").ShouldBeLessThan(byErrors.Score("b", "X"));
    }

    [Fact]
    public void A_placement_that_went_badly_lowers_the_pairs_score()
    {
        var before = AffinityMap.Build([Entry("a", "X", 100), Entry("b", "X", 100)], Options);
        var bad = Warm(100).Observe(Run("a", "X", 400, expectedMs: 100), Options.HalfLifeSamples);

        var after = AffinityMap.Build([new ProfileEntry("a", "X", bad), Entry("b", "X", 100)], Options);

        after.Score("a", "X").ShouldBeLessThan(before.Score("a", "X"));
        after.Score("a", "X").ShouldBeLessThan(after.Score("b", "X"));
    }

    [Fact]
    public void A_refused_prefetched_task_lowers_the_pairs_score_without_touching_its_averages()
    {
        var before = AffinityMap.Build([Entry("a", "X", 100), Entry("b", "X", 100)], Options);
        var warm = Warm(100);
        var refused = warm.Refused(Options.HalfLifeSamples);

        var after = AffinityMap.Build([new ProfileEntry("a", "X", refused), Entry("b", "X", 100)], Options);

        after.Score("a", "X").ShouldBeLessThan(before.Score("a", "X"));
        after.Score("a", "X").ShouldBeLessThan(after.Score("b", "X"));
        refused.Penalty.ShouldBe(warm.Penalty + TaskTypeProfile.Alpha(Options.HalfLifeSamples) * (1 - warm.Penalty), tolerance: 1e-12);
        (refused with { Penalty = warm.Penalty }).ShouldBe(warm);
    }

    [Fact]
    public void Penalty_scales_the_score_down()
    {
        var clean = new ProfileEntry("a", "X", TaskTypeProfile.Empty with { Samples = 9, DurationMs = 100 });
        var penalised = new ProfileEntry("a", "X", clean.Profile with { Penalty = 0.25 });

        AffinityMap.Build([penalised], Options).Score("a", "X")
            .ShouldBe(AffinityMap.Build([clean], Options).Score("a", "X") * 0.75, tolerance: 1e-12);
    }

    [Fact]
    public void An_unknown_pair_starts_from_the_types_prior_the_median_of_known_scores()
    {
        var map = AffinityMap.Build([Entry("a", "X", 100), Entry("b", "X", 200), Entry("c", "X", 900)], Options);
        var median = new[] { map.Score("a", "X"), map.Score("b", "X"), map.Score("c", "X") }.Order().ElementAt(1);

        map.Knows("new", "X").ShouldBeFalse();
        map.Prior("X").ShouldBe(median, tolerance: 1e-12);
        map.Score("new", "X").ShouldBe(map.Prior("X"));
        map.Score("a", "Y").ShouldBe(AffinityMap.NeutralPrior);
    }

    [Fact]
    public void The_empty_map_knows_nothing_and_scores_everything_neutral()
    {
        AffinityMap.Empty.Entries.ShouldBeEmpty();
        AffinityMap.Empty.Score("w", "X").ShouldBe(0.5);
        AffinityMap.Empty.Profile("w", "X").ShouldBeNull();
        AffinityMap.Empty.MeanDurationMs("X").ShouldBeNull();
        AffinityMap.Empty.TypicalDurationMs.ShouldBeNull();
    }

    [Fact]
    public void Scores_stay_within_zero_and_one()
    {
        var entries = Enumerable.Range(0, 20).Select(i => new ProfileEntry($"w{i}", "X", TaskTypeProfile.Empty with
        {
            Samples = 3, DurationMs = i * 50, CpuUtil = i / 20.0, ErrorRate = (i % 3) / 2.0, Penalty = (i % 4) / 3.0,
        })).ToList();

        var map = AffinityMap.Build(entries, Options);

        entries.ShouldAllBe(e => map.Score(e.WorkerId, "X") >= 0 && map.Score(e.WorkerId, "X") <= 1);
    }

    [Fact]
    public void Empty_profiles_are_ignored_and_a_repeated_pair_takes_the_later_entry()
    {
        var older = new ProfileEntry("a", "X", TaskTypeProfile.Empty with { Samples = 1, DurationMs = 500 });
        var newer = new ProfileEntry("a", "X", TaskTypeProfile.Empty with { Samples = 2, DurationMs = 100 });

        var map = AffinityMap.Build([older, new ProfileEntry("b", "X", TaskTypeProfile.Empty), newer], Options);

        map.Entries.ShouldHaveSingleItem().ShouldBe(newer);
        map.Knows("b", "X").ShouldBeFalse();
        map.Profile("a", "X")!.DurationMs.ShouldBe(100);
    }

    [Fact]
    public void One_duration_per_type_is_the_mean_over_workers()
    {
        var map = AffinityMap.Build([
            new ProfileEntry("a", "X", TaskTypeProfile.Empty with { Samples = 100, DurationMs = 100 }),
            new ProfileEntry("b", "X", TaskTypeProfile.Empty with { Samples = 1, DurationMs = 300 }),
            new ProfileEntry("a", "Y", TaskTypeProfile.Empty with { Samples = 1, DurationMs = 1_000 }),
        ], Options);

        map.MeanDurationMs("X").ShouldBe(200);
        map.TypicalDurationMs.ShouldBe(600);
        map.Samples("a", "X").ShouldBe(100);
        map.Samples("c", "X").ShouldBe(0);
    }
}
