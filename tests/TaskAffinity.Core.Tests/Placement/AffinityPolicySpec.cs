using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Core.Tests.Affinity.Profiles;
using static TaskAffinity.Core.Tests.Placement.Workers;

namespace TaskAffinity.Core.Tests.Placement;

public class AffinityPolicySpec
{
    private static readonly AffinityOptions NoExploration = new() { ExplorationShare = 0 };

    private static AffinityPolicy Policy(IEnumerable<ProfileEntry>? profiles = null, TransitionTable? transitions = null,
        AffinityOptions? options = null) =>
        new(new PlacementModel(AffinityMap.Build(profiles ?? [], options ?? NoExploration), transitions ?? TransitionTable.Empty));

    private static readonly ProfileEntry[] TwoEqual = [Entry("a", "X", 100), Entry("b", "X", 100, seed: 1)];

    [Fact]
    public void Picks_the_worker_with_the_best_affinity_for_the_type()
    {
        var policy = Policy([Entry("a", "X", 300), Entry("b", "X", 100), Entry("c", "X", 300)]);

        var decision = policy.Place(Request(), [Worker("a"), Worker("b"), Worker("c")]);

        decision.WorkerId.ShouldBe("b");
        decision.Policy.ShouldBe("affinity");
        decision.Reason.ShouldStartWith("highest score");
    }

    [Fact]
    public void A_hot_host_loses_to_an_equal_cool_one()
    {
        Policy(TwoEqual).Place(Request(), [Worker("a", heat: 0.6), Worker("b", heat: 0.1)]).WorkerId.ShouldBe("b");
        Policy(TwoEqual).Place(Request(), [Worker("a", heat: 0.1), Worker("b", heat: 0.6)]).WorkerId.ShouldBe("a");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(double.NaN)] // unreadable: counts as saturated
    public void On_hosts_that_all_run_flat_out_the_best_worker_for_the_type_still_wins(double heat)
    {
        var policy = Policy([Entry("a", "X", 300), Entry("b", "X", 100), Entry("c", "X", 300)]);
        for (var i = 0; i < 20; i++) // not a tie shared out by hash: whatever the chain and task
            policy.Place(Request(taskId: $"t{i}", chainId: $"c{i}"), [Worker("a", heat: heat), Worker("b", heat: heat), Worker("c", heat: heat)])
                .WorkerId.ShouldBe("b");
        // and a saturated host still loses to an equal cool one
        Policy(TwoEqual).Place(Request(), [Worker("a", heat: heat), Worker("b", heat: 0.5)]).WorkerId.ShouldBe("b");
    }

    [Fact]
    public void A_host_with_the_inputs_cached_wins_among_equals()
    {
        Policy(TwoEqual).Place(Request(), [Worker("a"), Worker("b", cached: 1)]).WorkerId.ShouldBe("b");
        Policy(TwoEqual).Place(Request(), [Worker("a", cached: 1), Worker("b")]).WorkerId.ShouldBe("a");
    }

    [Fact]
    public void A_worker_whose_last_type_usually_leads_to_this_one_wins_among_equals()
    {
        var transitions = new TransitionTable([
            new TransitionRow("A", [new TypeProbability("X", 0.9), new TypeProbability("Y", 0.1)]),
            new TransitionRow("B", [new TypeProbability("Y", 1.0)]),
        ]);

        var decision = Policy(TwoEqual, transitions).Place(Request(), [Worker("a", last: "B"), Worker("b", last: "A")]);

        decision.WorkerId.ShouldBe("b");
        decision.TopCandidates[0].Terms["nextTypeP"].ShouldBe(0.9, tolerance: 1e-12);
        decision.TopCandidates[0].Terms["continuity"].ShouldBe(0.7 + 0.3 * 0.9, tolerance: 1e-12);
        decision.TopCandidates[1].Terms["nextTypeP"].ShouldBe(0);
    }

    [Fact]
    public void Less_work_in_hand_wins_among_equals()
    {
        Policy(TwoEqual).Place(Request(), [Worker("a", running: 1), Worker("b")]).WorkerId.ShouldBe("b");
    }

    [Fact]
    public void A_worker_without_room_is_passed_over_for_a_worse_one_with_room()
    {
        var policy = Policy([Entry("fast", "X", 100), Entry("slow", "X", 300)]);

        policy.Place(Request(), [Worker("fast", queued: 1, running: 1), Worker("slow")]).WorkerId.ShouldBe("slow");
        policy.Place(Request(), [Worker("fast", queued: 1, running: 1, slots: 2), Worker("slow")]).WorkerId.ShouldBe("fast");
    }

    [Fact]
    public void When_nobody_has_room_the_least_loaded_per_slot_is_chosen()
    {
        var policy = Policy([Entry("fast", "X", 100), Entry("slow", "X", 300)]);

        var decision = policy.Place(Request(), [Worker("fast", queued: 4, running: 1), Worker("slow", queued: 1, running: 1)]);

        decision.WorkerId.ShouldBe("slow");
        decision.Reason.ShouldContain("full");
    }

    [Fact]
    public void A_placement_that_went_badly_moves_work_to_the_other_worker()
    {
        var bad = Warm(100);
        for (var i = 0; i < 3; i++) bad = bad.Observe(Run("a", "X", 100, failed: i == 0, expectedMs: 30), NoExploration.HalfLifeSamples);
        var workers = new[] { Worker("a"), Worker("b") };

        var before = Policy(TwoEqual).Place(Request(), workers);
        var after = Policy([new ProfileEntry("a", "X", bad), TwoEqual[1]]);

        before.TopCandidates.Select(c => c.Score).Distinct().Count().ShouldBe(1);
        Enumerable.Range(0, 50).Select(i => after.Place(Request($"t{i}"), workers).WorkerId).ShouldAllBe(w => w == "b");
    }

    [Fact]
    public void An_unknown_pair_is_scored_with_the_types_prior()
    {
        var policy = Policy([Entry("a", "X", 100), Entry("b", "X", 200), Entry("c", "X", 300)]);

        var decision = policy.Place(Request(), [Worker("new"), Worker("c", queued: 1, running: 1)]);

        var prior = policy.Model.Affinity.Prior("X");
        prior.ShouldBe(policy.Model.Affinity.Score("b", "X"));
        decision.TopCandidates.Single(c => c.WorkerId == "new").Terms["affinity"].ShouldBe(prior);
        decision.TopCandidates.Single(c => c.WorkerId == "new").Terms["samples"].ShouldBe(0);
    }

    [Fact]
    public void The_score_is_the_product_of_its_terms_and_the_chosen_worker_is_explained_first()
    {
        var transitions = new TransitionTable([new TransitionRow("A", [new TypeProbability("X", 0.5), new TypeProbability("Y", 0.5)])]);
        var policy = Policy([Entry("a", "X", 100), Entry("b", "X", 300), Entry("c", "X", 200), Entry("d", "X", 900)], transitions);

        var decision = policy.Place(Request(), [Worker("a", running: 1, heat: 0.2, cached: 0.5, last: "A"), Worker("b"), Worker("c"), Worker("d")]);

        decision.TopCandidates.Length.ShouldBe(3);
        decision.TopCandidates[0].WorkerId.ShouldBe(decision.WorkerId);
        decision.TopCandidates.Select(c => c.Score).ShouldBeInOrder(SortDirection.Descending);
        foreach (var candidate in decision.TopCandidates)
        {
            var t = candidate.Terms;
            // score = a · (1 − h) · c · k · λ
            candidate.Score.ShouldBe(t["affinity"] * (1 - 0.9 * t["heat"]) * t["continuity"] * t["cache"] * t["load"], tolerance: 1e-12);
        }
        var a = decision.TopCandidates.Single(c => c.WorkerId == "a").Terms;
        a["cache"].ShouldBe(0.8 + 0.2 * 0.5, tolerance: 1e-12);
        a["load"].ShouldBe(1 / (1 + 0.5 * 1 / 2.0), tolerance: 1e-12);
        a["heat"].ShouldBe(0.2);
    }

    [Fact]
    public void The_same_request_gets_the_same_decision_whatever_the_candidate_order()
    {
        var policy = Policy(TwoEqual, options: new AffinityOptions());
        var workers = new[] { Worker("a"), Worker("b"), Worker("c"), Worker("d") };

        var decisions = Enumerable.Range(0, 200).Select(i => policy.Place(Request($"t{i}"), workers).WorkerId).ToList();
        var reversed = Enumerable.Range(0, 200).Select(i => policy.Place(Request($"t{i}"), workers.Reverse().ToArray()).WorkerId).ToList();

        reversed.ShouldBe(decisions);
        decisions.Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public void A_policy_reused_across_decisions_sees_every_change_to_its_candidates()
    {
        // The policy remembers what it worked out per position and candidate object; a replaced object or a
        // moved worker must be seen afresh, exactly as a new policy would.
        var warm = Policy(TwoEqual);
        var lists = new WorkerCandidate[][]
        {
            [Worker("a"), Worker("b", running: 1)],
            [Worker("a", running: 1, queued: 1), Worker("b", running: 1)],
            [Worker("b"), Worker("a", heat: 0.9)],
            [Worker("b", online: false), Worker("a", heat: 0.9)],
            [Worker("b", serves: "Y"), Worker("a", last: "Y")],
        };

        var expected = lists.Select(list => Policy(TwoEqual).Place(Request(), list).WorkerId).ToList();
        var reused = lists.Select(list => warm.Place(Request(), list).WorkerId).ToList();

        reused.ShouldBe(expected);
        expected.ShouldBe(["a", "b", "b", "a", "a"]);
    }

    [Fact]
    public void Exploration_tries_a_worker_that_has_never_run_the_type()
    {
        // "y-only" knows Y but has never run X: exploring placements of X go to it; greedy ones go to "a",
        // since the prior (the median of a and b) is below a's score
        var policy = Policy([Entry("a", "X", 100), Entry("b", "X", 150), Entry("y-only", "Y", 100)], options: new AffinityOptions { ExplorationShare = 0.2 });
        var workers = new[] { Worker("a"), Worker("b"), Worker("y-only") };

        var decisions = Enumerable.Range(0, 500).Select(i => policy.Place(Request($"t{i}"), workers)).ToList();

        var explored = decisions.Where(d => d.Reason.StartsWith(AffinityPolicy.ExploreReason)).ToList();
        explored.Count.ShouldBeInRange(70, 130);
        explored.ShouldAllBe(d => d.WorkerId == "y-only");
        decisions.Except(explored).ShouldAllBe(d => d.WorkerId == "a");
    }

    [Fact]
    public void No_eligible_worker_gives_no_placement_naming_the_cause()
    {
        var decision = Policy().Place(Request(type: "Z"), [Worker("a", serves: "X")]);

        decision.Placed.ShouldBeFalse();
        decision.Reason.ShouldContain("no online worker serves task type 'Z'");
    }

    [Fact]
    public void With_a_newer_model_the_policy_decides_from_it_and_the_old_one_is_unchanged()
    {
        IPlacementPolicy old = Policy();
        var newer = new PlacementModel(AffinityMap.Build([Entry("a", "X", 300), Entry("b", "X", 100)], NoExploration), TransitionTable.Empty);

        var updated = old.WithModel(newer);

        updated.ShouldNotBeSameAs(old);
        ((AffinityPolicy)updated).Model.ShouldBe(newer);
        ((AffinityPolicy)old).Model.Affinity.Entries.ShouldBeEmpty();
        updated.Place(Request(), [Worker("a"), Worker("b")]).WorkerId.ShouldBe("b");
    }

    [Fact]
    public void Out_of_range_policy_options_are_rejected_naming_the_knob()
    {
        Should.Throw<ArgumentException>(() => new AffinityPolicy(PlacementModel.Empty, new AffinityPolicyOptions { MaxQueuePerSlot = 0 }))
            .Message.ShouldContain("maxQueuePerSlot");
        AffinityPolicyOptions.Default.Problems().ShouldBeEmpty();
    }
}
