using Shouldly;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prefetch;

public class PrefetchPlannerSpec
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const long GiB = 1024 * MiB;

    // Zero latency makes density = conf / bandwidth, so order follows confidence, and worth-it means conf > 0.5.
    private static readonly PrefetchPlannerOptions NoLatency = PrefetchPlannerOptions.Default with { FetchLatency = TimeSpan.Zero };

    private static PrefetchCandidate Candidate(string key, double confidence, long size = MiB) =>
        new(new DataRef(key, size), confidence, "test");

    private static PlannerState State(long capacity = GiB, long unused = 0, long bytesInFlight = 0, int fetchesInFlight = 0,
        params string[] present) =>
        new(capacity, unused, bytesInFlight, fetchesInFlight, present.Contains);

    private static string[] Keys(IEnumerable<PrefetchCandidate> candidates) => candidates.Select(c => c.Data.Key).ToArray();

    private static SkipReason ReasonFor(PrefetchPlan plan, string key) => plan.Skipped.Single(s => s.Candidate.Data.Key == key).Reason;

    [Fact]
    public void A_likely_small_candidate_on_an_idle_host_is_fetched()
    {
        var plan = PrefetchPlanner.Plan([Candidate("a", 0.8)], State(), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["a"]);
        plan.Skipped.ShouldBeEmpty();
    }

    [Fact]
    public void A_candidate_cached_or_in_flight_is_skipped_as_already_present()
    {
        var plan = PrefetchPlanner.Plan([Candidate("cached", 0.9), Candidate("new", 0.9)], State(present: "cached"), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["new"]);
        ReasonFor(plan, "cached").ShouldBe(SkipReason.AlreadyPresent);
    }

    [Fact]
    public void A_candidate_below_the_minimum_confidence_is_skipped_however_cheap()
    {
        var plan = PrefetchPlanner.Plan([Candidate("tiny", 0.29, size: 1)], State(), PrefetchPlannerOptions.Default);

        plan.Fetch.ShouldBeEmpty();
        ReasonFor(plan, "tiny").ShouldBe(SkipReason.LowConfidence);
    }

    [Fact]
    public void A_large_unlikely_candidate_is_not_worth_its_transfer_time_though_a_small_one_is()
    {
        // 32 MiB at 800 MB/s: transfer 41.9 ms, t = 44.9 ms; 0.35 · 44.9 = 15.7 < 0.65 · 41.9 = 27.3.
        // 64 KiB: transfer 0.08 ms, t = 3.08 ms; 0.35 · 3.08 = 1.08 > 0.65 · 0.08 = 0.05.
        var plan = PrefetchPlanner.Plan([Candidate("large", 0.35, 32 * MiB), Candidate("small", 0.35, 64 * KiB)], State(), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["small"]);
        ReasonFor(plan, "large").ShouldBe(SkipReason.NotWorthIt);
    }

    [Theory]
    [InlineData(0.5, false)]
    [InlineData(0.51, true)]
    public void Without_latency_a_fetch_is_worth_it_only_when_more_likely_used_than_wasted(double confidence, bool fetched)
    {
        var plan = PrefetchPlanner.Plan([Candidate("a", confidence)], State(), NoLatency);

        plan.Fetch.Length.ShouldBe(fetched ? 1 : 0);
        if (!fetched) ReasonFor(plan, "a").ShouldBe(SkipReason.NotWorthIt);
    }

    [Fact]
    public void A_candidate_larger_than_the_bytes_in_flight_limit_is_too_large()
    {
        var plan = PrefetchPlanner.Plan([Candidate("huge", 0.99, 65 * MiB), Candidate("ok", 0.99, 64 * MiB)], State(), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["ok"]);
        ReasonFor(plan, "huge").ShouldBe(SkipReason.TooLarge);
    }

    [Fact]
    public void A_candidate_larger_than_the_unused_share_of_the_cache_is_too_large()
    {
        // 16 MiB cache, half of it for unread prefetches: 8 MiB.
        var plan = PrefetchPlanner.Plan([Candidate("big", 0.99, 8 * MiB + 1), Candidate("ok", 0.99, 8 * MiB)], State(capacity: 16 * MiB), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["ok"]);
        ReasonFor(plan, "big").ShouldBe(SkipReason.TooLarge);
    }

    [Fact]
    public void No_more_fetches_start_than_the_concurrency_limit_allows()
    {
        var candidates = Enumerable.Range(0, 6).Select(i => Candidate($"k{i}", 0.9 - i * 0.05)).ToList();

        var plan = PrefetchPlanner.Plan(candidates, State(fetchesInFlight: 2), PrefetchPlannerOptions.Default with { MaxConcurrentFetches = 4 });

        Keys(plan.Fetch).ShouldBe(["k0", "k1"]);
        plan.Skipped.ShouldAllBe(s => s.Reason == SkipReason.OverBudget);
        Keys(plan.Skipped.Select(s => s.Candidate)).ShouldBe(["k2", "k3", "k4", "k5"]);
    }

    [Fact]
    public void A_host_already_at_its_concurrency_limit_fetches_nothing()
    {
        var plan = PrefetchPlanner.Plan([Candidate("a", 0.9)], State(fetchesInFlight: 4), PrefetchPlannerOptions.Default with { MaxConcurrentFetches = 4 });

        plan.Fetch.ShouldBeEmpty();
        ReasonFor(plan, "a").ShouldBe(SkipReason.OverBudget);
    }

    [Fact]
    public void Bytes_in_flight_are_bounded_and_a_smaller_later_candidate_may_still_fit()
    {
        // 60 MiB in flight of 64: 4 MiB left.
        var candidates = new[] { Candidate("3m", 0.9, 3 * MiB), Candidate("2m", 0.8, 2 * MiB), Candidate("1m", 0.7, MiB) };

        var plan = PrefetchPlanner.Plan(candidates, State(bytesInFlight: 60 * MiB), NoLatency);

        Keys(plan.Fetch).ShouldBe(["3m", "1m"]);
        ReasonFor(plan, "2m").ShouldBe(SkipReason.OverBudget);
    }

    [Fact]
    public void Unread_prefetched_bytes_plus_bytes_in_flight_stay_within_the_unused_share()
    {
        // 64 MiB cache, share 0.5: 32 MiB; 20 unread + 8 in flight leave 4, filled exactly by 3 + 1.
        var candidates = new[] { Candidate("3m", 0.9, 3 * MiB), Candidate("2m", 0.8, 2 * MiB), Candidate("1m", 0.7, MiB) };

        var plan = PrefetchPlanner.Plan(candidates, State(capacity: 64 * MiB, unused: 20 * MiB, bytesInFlight: 8 * MiB), NoLatency);

        Keys(plan.Fetch).ShouldBe(["3m", "1m"]);
        ReasonFor(plan, "2m").ShouldBe(SkipReason.OverBudget);
    }

    [Fact]
    public void Candidates_are_taken_by_benefit_density_not_by_confidence_alone()
    {
        // density = conf · (latency + size / bandwidth) / size, in seconds saved per byte:
        //   sure-8m  : 0.9 · (3 ms + 10.49 ms) / 8 MiB = 1.45e-9
        //   maybe-1m : 0.4 · (3 ms + 1.31 ms)  / 1 MiB = 1.64e-9
        //   maybe-64k: 0.4 · (3 ms + 0.08 ms)  / 64 KiB = 1.88e-8
        var candidates = new[] { Candidate("sure-8m", 0.9, 8 * MiB), Candidate("maybe-1m", 0.4, MiB), Candidate("maybe-64k", 0.4, 64 * KiB) };

        var plan = PrefetchPlanner.Plan(candidates, State(), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["maybe-64k", "maybe-1m", "sure-8m"]);
    }

    [Fact]
    public void Equal_densities_are_ordered_by_key()
    {
        var candidates = new[] { Candidate("c", 0.9), Candidate("a", 0.9), Candidate("b", 0.9) };

        var plan = PrefetchPlanner.Plan(candidates, State(), PrefetchPlannerOptions.Default);

        Keys(plan.Fetch).ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public void Duplicates_of_a_key_merge_keeping_the_highest_confidence()
    {
        var candidates = new[] { Candidate("a", 0.4), Candidate("a", 0.9), Candidate("a", 0.2), Candidate("low", 0.1), Candidate("low", 0.2) };

        var plan = PrefetchPlanner.Plan(candidates, State(), PrefetchPlannerOptions.Default);

        plan.Fetch.ShouldHaveSingleItem().Confidence.ShouldBe(0.9);
        var skip = plan.Skipped.ShouldHaveSingleItem();
        skip.Candidate.Confidence.ShouldBe(0.2);
        skip.Reason.ShouldBe(SkipReason.LowConfidence);
    }

    [Fact]
    public void Every_distinct_candidate_is_either_fetched_or_skipped()
    {
        var plan = PrefetchPlanner.Plan(Mixed(new Random(7)), State(unused: 400 * MiB, fetchesInFlight: 1, present: ["k3", "k10"]), PrefetchPlannerOptions.Default);

        var all = Keys(plan.Fetch).Concat(Keys(plan.Skipped.Select(s => s.Candidate))).ToList();
        all.Count.ShouldBe(40);
        all.Distinct().Count().ShouldBe(40);
        plan.Fetch.ShouldNotBeEmpty();
        plan.Skipped.Select(s => s.Reason).Distinct().Count().ShouldBe(5, "the mix should hit every skip reason");
    }

    [Fact]
    public void The_plan_is_deterministic_and_the_fetch_order_does_not_depend_on_input_order()
    {
        var state = State(unused: 400 * MiB, present: ["k3", "k10"]);
        var candidates = Mixed(new Random(7));
        var order = new Random(3);
        var shuffled = candidates.OrderBy(_ => order.Next()).ToList();

        var first = PrefetchPlanner.Plan(candidates, state, PrefetchPlannerOptions.Default);
        var again = PrefetchPlanner.Plan(candidates, state, PrefetchPlannerOptions.Default);
        var reordered = PrefetchPlanner.Plan(shuffled, state, PrefetchPlannerOptions.Default);

        again.Fetch.ShouldBe(first.Fetch);
        again.Skipped.ShouldBe(first.Skipped);
        reordered.Fetch.ShouldBe(first.Fetch);
        reordered.Skipped.ShouldBe(first.Skipped, ignoreOrder: true);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void A_confidence_outside_zero_to_one_is_refused(double confidence)
    {
        Should.Throw<ArgumentException>(() => PrefetchPlanner.Plan([Candidate("a", confidence)], State(), PrefetchPlannerOptions.Default));
    }

    [Fact]
    public void Default_options_have_no_problems()
    {
        PrefetchPlannerOptions.Default.Problems().ShouldBeEmpty();
    }

    public static TheoryData<PrefetchPlannerOptions, string> BadOptions => new()
    {
        { PrefetchPlannerOptions.Default with { MinConfidence = -0.1 }, "minConfidence" },
        { PrefetchPlannerOptions.Default with { MinConfidence = double.NaN }, "minConfidence" },
        { PrefetchPlannerOptions.Default with { MaxBytesInFlight = MiB - 1 }, "maxBytesInFlight" },
        { PrefetchPlannerOptions.Default with { MaxBytesInFlight = 64 * GiB + 1 }, "maxBytesInFlight" },
        { PrefetchPlannerOptions.Default with { MaxConcurrentFetches = 0 }, "maxConcurrentFetches" },
        { PrefetchPlannerOptions.Default with { MaxConcurrentFetches = 1025 }, "maxConcurrentFetches" },
        { PrefetchPlannerOptions.Default with { MaxUnusedShare = 0 }, "maxUnusedShare" },
        { PrefetchPlannerOptions.Default with { MaxUnusedShare = 1.01 }, "maxUnusedShare" },
        { PrefetchPlannerOptions.Default with { FetchLatency = TimeSpan.FromMilliseconds(-1) }, "fetchLatency" },
        { PrefetchPlannerOptions.Default with { FetchLatency = TimeSpan.FromMinutes(1.01) }, "fetchLatency" },
        { PrefetchPlannerOptions.Default with { BandwidthMBps = 0 }, "bandwidthMBps" },
        { PrefetchPlannerOptions.Default with { BandwidthMBps = 1e6 + 1 }, "bandwidthMBps" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Out_of_range_options_are_problems_naming_the_key(PrefetchPlannerOptions options, string key)
    {
        options.Problems().ShouldHaveSingleItem().ShouldStartWith(key);
        Should.Throw<ArgumentException>(() => PrefetchPlanner.Plan([], State(), options)).Message.ShouldContain(key);
    }

    [Fact]
    public void The_option_bounds_are_valid()
    {
        var low = new PrefetchPlannerOptions { MinConfidence = 0, MaxBytesInFlight = MiB, MaxConcurrentFetches = 1, MaxUnusedShare = 1e-9, FetchLatency = TimeSpan.Zero, BandwidthMBps = 1e-9 };
        var high = new PrefetchPlannerOptions { MinConfidence = 1, MaxBytesInFlight = 64 * GiB, MaxConcurrentFetches = 1024, MaxUnusedShare = 1, FetchLatency = TimeSpan.FromMinutes(1), BandwidthMBps = 1e6 };

        low.Problems().ShouldBeEmpty();
        high.Problems().ShouldBeEmpty();
    }

    // 40 distinct keys with a few duplicates: sizes 4 KiB .. 80 MiB, confidences 0 .. 1.
    private static List<PrefetchCandidate> Mixed(Random random)
    {
        var candidates = Enumerable.Range(0, 40)
            .Select(i => Candidate($"k{i}", Math.Round(random.NextDouble(), 2), random.Next(1, 20_000) * 4 * KiB))
            .ToList();
        candidates.Add(candidates[5] with { Confidence = 1 });
        candidates.Add(candidates[6] with { Confidence = 0 });
        return candidates;
    }
}
