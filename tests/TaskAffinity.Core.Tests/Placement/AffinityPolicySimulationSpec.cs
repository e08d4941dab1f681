using Shouldly;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using Xunit;
using static TaskAffinity.Core.Tests.Affinity.Profiles;

namespace TaskAffinity.Core.Tests.Placement;

/// <summary>
/// Four single-slot workers; "fast" runs X in 100 ms, the three others in 300 ms. The model is warmed with 30
/// observed runs per worker. "Room" is the policy's own: load &lt; MaxQueuePerSlot (2) × slots.
/// </summary>
public class AffinityPolicySimulationSpec
{
    private const int Room = 2;
    private static readonly (string, double)[] Cluster = [("fast", 100), ("slow-1", 300), ("slow-2", 300), ("slow-3", 300)];

    private static PlacementModel WarmModel(AffinityOptions? options = null) => new(
        AffinityMap.Build(Cluster.Select((w, i) => Entry(w.Item1, "X", w.Item2, seed: i)), options ?? new AffinityOptions()),
        TransitionTable.Empty);

    [Fact]
    public void After_warm_up_at_least_90_percent_of_X_go_to_the_fast_worker_while_it_has_room()
    {
        var sim = new QueueSimulation(seed: 7, Cluster);
        int withRoom = 0, toFast = 0;

        // light load: one X every 250 ms on average, 40% of the fast worker's capacity
        sim.Run(new AffinityPolicy(WarmModel()), tasks: 2_000, meanGapMs: 250, observe: (candidates, decision) =>
        {
            if (candidates.Single(c => c.WorkerId == "fast").Load >= Room) return;
            withRoom++;
            if (decision.WorkerId == "fast") toFast++;
        });

        withRoom.ShouldBeGreaterThan(1_500);
        ((double)toFast / withRoom).ShouldBeGreaterThanOrEqualTo(0.9, $"{toFast} of {withRoom}");
    }

    [Fact]
    public void When_the_fast_worker_is_saturated_the_others_take_the_overflow_without_a_pile_up()
    {
        var sim = new QueueSimulation(seed: 11, Cluster);
        var fastLoads = new List<int>();
        var otherLoads = new List<int>();
        int overflowWhileOthersHadRoom = 0, overflowOntoABusierFast = 0;

        // heavy load: one X every 60 ms (16.7/s) against 10/s on the fast worker and 20/s in all
        sim.Run(new AffinityPolicy(WarmModel()), tasks: 3_000, meanGapMs: 60, observe: (candidates, decision) =>
        {
            var fast = candidates.Single(c => c.WorkerId == "fast");
            var others = candidates.Where(c => c.WorkerId != "fast").Select(c => c.Load).ToList();
            fastLoads.Add(fast.Load);
            otherLoads.AddRange(others);
            if (decision.WorkerId != "fast" || fast.Load < Room) return;
            if (others.Any(l => l < Room)) overflowWhileOthersHadRoom++;
            if (others.Any(l => l < fast.Load)) overflowOntoABusierFast++;
        });

        // past its room the fast worker only gets a task when every worker is full and it is among the least loaded
        overflowWhileOthersHadRoom.ShouldBe(0);
        overflowOntoABusierFast.ShouldBe(0);
        fastLoads.Max().ShouldBeLessThanOrEqualTo(otherLoads.Max() + 1);
        sim.Assigned("fast").ShouldBeGreaterThan(3_000 / 3);
        foreach (var slow in new[] { "slow-1", "slow-2", "slow-3" })
            sim.Assigned(slow).ShouldBeGreaterThan(3_000 / 10, slow);
        // bounded backlog: no worker ends with more than a few tasks in hand, the last tasks wait under a second
        new[] { "fast", "slow-1", "slow-2", "slow-3" }.ShouldAllBe(id => sim.Load(id) <= Room + 1);
        sim.ResponseTimesMs.TakeLast(500).Average().ShouldBeLessThan(1_000);
    }

    [Fact]
    public void Under_light_load_X_finishes_sooner_than_with_round_robin_or_least_loaded()
    {
        double MeanResponse(IPlacementPolicy policy)
        {
            var sim = new QueueSimulation(seed: 3, Cluster);
            sim.Run(policy, tasks: 2_000, meanGapMs: 250);
            return sim.ResponseTimesMs.Average();
        }

        var affinity = MeanResponse(new AffinityPolicy(WarmModel()));

        affinity.ShouldBeLessThan(0.7 * MeanResponse(new RoundRobinPolicy()));
        affinity.ShouldBeLessThan(0.7 * MeanResponse(new LeastLoadedPolicy()));
    }

    [Fact]
    public void A_new_worker_joining_a_warm_cluster_receives_work_within_the_documented_bound()
    {
        // bound from the class comment: geometric with mean 1/ε; within ln(1000)/ε with probability 0.999
        var epsilon = new AffinityOptions().ExplorationShare;
        var bound = (int)Math.Ceiling(Math.Log(1_000) / epsilon);
        var waits = new List<int>();

        for (var trial = 0; trial < 20; trial++)
        {
            var sim = new QueueSimulation(seed: trial, Cluster);
            var policy = new AffinityPolicy(WarmModel());
            sim.Run(policy, tasks: 200, meanGapMs: 250, chainPrefix: $"trial-{trial}-before");

            sim.Add("new", 300);
            var placements = 0;
            sim.Run(policy, tasks: 10 * bound, meanGapMs: 250, chainPrefix: $"trial-{trial}-after",
                observe: (_, _) => placements++, stop: d => d.WorkerId == "new");

            sim.Assigned("new").ShouldBe(1, $"trial {trial}");
            waits.Add(placements);
        }

        waits.ShouldAllBe(w => w <= bound, string.Join(", ", waits));
        waits.Average().ShouldBeLessThanOrEqualTo(2 / epsilon, string.Join(", ", waits));
    }

    [Fact]
    public void Exploring_decisions_are_a_bounded_share_near_the_configured_one()
    {
        var policy = new AffinityPolicy(WarmModel());
        var idle = Cluster.Select(w => Workers.Worker(w.Item1)).ToList();

        var explored = Enumerable.Range(0, 10_000)
            .Count(i => policy.Place(Workers.Request($"t{i}", chainId: $"c{i % 97}"), idle).Reason.StartsWith(AffinityPolicy.ExploreReason));

        (explored / 10_000.0).ShouldBeInRange(0.04, 0.06);
    }

    [Fact]
    public void With_exploration_off_the_fast_worker_takes_every_X_while_it_has_room()
    {
        var model = WarmModel(new AffinityOptions { ExplorationShare = 0 });
        var sim = new QueueSimulation(seed: 7, Cluster);
        var strays = 0;

        sim.Run(new AffinityPolicy(model), tasks: 1_000, meanGapMs: 250, observe: (candidates, decision) =>
        {
            if (candidates.Single(c => c.WorkerId == "fast").Load < Room && decision.WorkerId != "fast") strays++;
        });

        strays.ShouldBe(0);
    }
}
