using Shouldly;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Core.Tests.Placement.Workers;

namespace TaskAffinity.Core.Tests.Placement;

public class BaselinePoliciesSpec
{
    private static readonly WorkerCandidate[] Four = [Worker("w1"), Worker("w2"), Worker("w3"), Worker("w4")];

    [Fact]
    public void Round_robin_takes_eligible_workers_in_turn_by_id()
    {
        var policy = new RoundRobinPolicy();
        var workers = new[] { Worker("w3"), Worker("w1"), Worker("off", online: false), Worker("w2") };

        var chosen = Enumerable.Range(0, 6).Select(i => policy.Place(Request($"t{i}"), workers).WorkerId).ToList();

        chosen.ShouldBe(["w1", "w2", "w3", "w1", "w2", "w3"]);
    }

    [Fact]
    public void Random_is_the_same_for_the_same_seed_and_spreads_evenly()
    {
        List<string> Draws(int seed) => Enumerable.Range(0, 4_000)
            .Select(i => new RandomPolicy(seed).Place(Request($"t{i}"), Four).WorkerId!).ToList();

        var first = Draws(1);

        Draws(1).ShouldBe(first);
        Draws(2).ShouldNotBe(first);
        first.CountBy(w => w).Select(kv => kv.Value).ShouldAllBe(n => n > 850 && n < 1_150);
    }

    [Fact]
    public void Random_draws_again_for_a_retry()
    {
        var policy = new RandomPolicy(3);

        var attempts = Enumerable.Range(1, 40).Select(a => policy.Place(Request("t", attempt: a), Four).WorkerId).Distinct();

        attempts.Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Power_of_two_never_picks_the_single_busiest_worker()
    {
        var workers = new[] { Worker("w1", queued: 1), Worker("w2", queued: 9), Worker("w3"), Worker("w4", queued: 2) };
        var policy = new PowerOfTwoPolicy(5);

        var chosen = Enumerable.Range(0, 1_000).Select(i => policy.Place(Request($"t{i}"), workers)).ToList();

        chosen.ShouldAllBe(d => d.WorkerId != "w2");
        chosen.ShouldAllBe(d => d.TopCandidates.Length == 2 && d.TopCandidates[0].Score >= d.TopCandidates[1].Score);
        chosen.Count(d => d.WorkerId == "w3").ShouldBeGreaterThan(400);
    }

    [Fact]
    public void Power_of_two_with_two_workers_always_takes_the_less_loaded()
    {
        var policy = new PowerOfTwoPolicy();

        Enumerable.Range(0, 100).Select(i => policy.Place(Request($"t{i}"), [Worker("a", running: 1), Worker("b")]).WorkerId)
            .ShouldAllBe(w => w == "b");
    }

    [Fact]
    public void Earliest_finish_uses_one_duration_per_type_averaged_over_workers()
    {
        var model = new PlacementModel(AffinityMap.Build([
            new ProfileEntry("fast", "X", TaskTypeProfile.Empty with { Samples = 10, DurationMs = 100 }),
            new ProfileEntry("slow", "X", TaskTypeProfile.Empty with { Samples = 10, DurationMs = 300 }),
        ], new AffinityOptions()), TransitionTable.Empty);
        var policy = new EarliestFinishPolicy(model);

        var decision = policy.Place(Request(), [Worker("fast", running: 1), Worker("slow")]);

        // it cannot see that "fast" is faster: the idle worker finishes first by its estimate
        decision.WorkerId.ShouldBe("slow");
        decision.TopCandidates[0].Terms["durationMs"].ShouldBe(200);
        decision.TopCandidates[0].Score.ShouldBe(-200);
        decision.TopCandidates[1].Terms["queuedMs"].ShouldBe(200);
    }

    [Fact]
    public void Earliest_finish_without_a_learned_duration_uses_the_tasks_estimate_then_the_default()
    {
        var policy = new EarliestFinishPolicy();
        var estimated = Specs.Task("t", "X") with { EstimatedDuration = TimeSpan.FromSeconds(2) };

        policy.ExpectedDuration(estimated).ShouldBe(TimeSpan.FromSeconds(2));
        policy.ExpectedDuration(Specs.Task("t", "X")).ShouldBe(EarliestFinishPolicy.DefaultDuration);
    }

    [Fact]
    public void Earliest_finish_counts_the_time_to_fetch_inputs_not_cached_on_the_host()
    {
        var task = Specs.Task("t", "X") with { Inputs = [new DataRef("blob://big", 1_000_000_000)] };
        var request = new PlacementRequest("c", task, 1);

        var decision = new EarliestFinishPolicy().Place(request, [Worker("cold"), Worker("warm", running: 1, cached: 1)]);

        // cold: 0 queued + 500 ms run + 1 GB at 1,000 MB/s = 1,500 ms; warm: 500 ms queued + 500 ms run = 1,000 ms
        decision.WorkerId.ShouldBe("warm");
        decision.TopCandidates.Single(c => c.WorkerId == "cold").Terms["transferMs"].ShouldBe(1_000, tolerance: 1e-9);
    }

    [Fact]
    public void Earliest_finish_spreads_work_over_slots()
    {
        var decision = new EarliestFinishPolicy().Place(Request(), [Worker("one-slot", running: 1), Worker("four-slots", running: 2, slots: 4)]);

        decision.WorkerId.ShouldBe("four-slots");
    }

    [Theory]
    [InlineData("affinity", typeof(AffinityPolicy))]
    [InlineData("round-robin", typeof(RoundRobinPolicy))]
    [InlineData("random", typeof(RandomPolicy))]
    [InlineData("least-loaded", typeof(LeastLoadedPolicy))]
    [InlineData("power-of-two", typeof(PowerOfTwoPolicy))]
    [InlineData("earliest-finish", typeof(EarliestFinishPolicy))]
    public void Every_policy_is_created_by_its_name(string name, Type type)
    {
        var policy = PlacementPolicies.Create(name, PlacementModel.Empty, seed: 4);

        policy.ShouldBeOfType(type);
        policy.Name.ShouldBe(name);
        PlacementPolicies.Names.ShouldContain(name);
        policy.Place(Request(), Four).Placed.ShouldBeTrue();
    }

    [Fact]
    public void An_unknown_policy_name_is_rejected_listing_the_known_ones()
    {
        var error = Should.Throw<ArgumentException>(() => PlacementPolicies.Create("fastest", PlacementModel.Empty));

        error.Message.ShouldContain("'fastest'");
        error.Message.ShouldContain("earliest-finish");
        PlacementPolicies.Names.Length.ShouldBe(6);
    }

    [Fact]
    public void Policies_that_learn_nothing_keep_themselves_for_a_new_model()
    {
        IPlacementPolicy[] baselines = [new RoundRobinPolicy(), new RandomPolicy(), new LeastLoadedPolicy(), new PowerOfTwoPolicy()];

        baselines.ShouldAllBe(p => ReferenceEquals(p.WithModel(PlacementModel.Empty), p));
        new EarliestFinishPolicy().WithModel(PlacementModel.Empty).ShouldBeOfType<EarliestFinishPolicy>();
    }

    [Fact]
    public void Every_baseline_says_why_when_nothing_can_run_the_task()
    {
        IPlacementPolicy[] policies = [new RoundRobinPolicy(), new RandomPolicy(), new PowerOfTwoPolicy(), new EarliestFinishPolicy()];

        WorkerCandidate[] offline = [Worker("off", online: false)];

        policies.Select(p => p.Place(Request(), Array.Empty<WorkerCandidate>()).Reason).ShouldAllBe(r => r == "no workers are known");
        policies.Select(p => p.Place(Request(), offline)).ShouldAllBe(d => !d.Placed && d.Reason.Contains("online"));
    }
}
