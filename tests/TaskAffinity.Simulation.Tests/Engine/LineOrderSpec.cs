using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

/// <summary>The order in which the central line is served: the same Core WaitingLine as the cluster's scheduler.</summary>
public sealed class LineOrderSpec
{
    private static TraceTask Task(string id, string type, double seconds) => new(id, type, [], seconds, 1, 100, [], [], null);

    /// <summary>
    /// 40 ready Blast tasks of 10 s at t = 0 on two one-task workers (38 wait), then, at t = 1, a workflow of
    /// one Tiny task of 1 s.
    /// </summary>
    private static TraceChain[] FloodThenSmall() =>
    [
        new("flood", "blast", 0, [.. Enumerable.Range(0, 40).Select(i => Task($"b{i}", "Blast", 10))]),
        new("small", "tiny", 1, [Task("t", "Tiny", 1)]),
    ];

    private static (PlacementRecord Small, SimResult Result) Run(string policy, LineOrder order)
    {
        PlacementRecord? small = null;
        var simulator = new Simulator(SimCluster.Uniform(1, 2, spread: 0), policy, prefetch: false)
        {
            WorkerCapacity = 1,
            Line = order,
            OnPlaced = p => small = p.ChainId == "small" ? p : small,
        };
        var result = simulator.Run(FloodThenSmall());
        return (small!.Value, result);
    }

    [Theory]
    [InlineData("affinity")]
    [InlineData("least-loaded")]
    [InlineData("earliest-finish")]
    [InlineData("power-of-two")]
    [InlineData("round-robin")]
    [InlineData("random")]
    public void A_small_type_is_not_stuck_behind_a_flood_of_a_big_type(string policy)
    {
        var (small, _) = Run(policy, LineOrder.FairByType);

        // at the latest, when both workers free up (t = 10), one takes the next Blast and the other takes Tiny
        small.StartS.ShouldBeLessThanOrEqualTo(10, policy);
    }

    [Fact]
    public void In_arrival_order_the_small_type_waits_for_the_whole_flood()
    {
        var (small, _) = Run("least-loaded", LineOrder.Arrival);

        // least-loaded always finds the worker with room, so the 38 Blast tasks that came first go first: two
        // at a time, from t = 10 to t = 190, and Tiny after them
        small.StartS.ShouldBe(200);
    }

    /// <summary>
    /// On one one-task worker, at t = 0: a workflow of four Lead tasks of 2 s in a line, then ten workflows of
    /// one Short task of 1 s each. When the line is served in our order, when does l2 (two Lead tasks before it,
    /// one after it) start?
    /// </summary>
    private static double ThirdLeadStart(double pathWeight)
    {
        TraceChain[] chains =
        [
            new("lead", "lead", 0, [Task("l0", "Lead", 2), .. Enumerable.Range(1, 3).Select(i => Task($"l{i}", "Lead", 2) with { After = [$"l{i - 1}"] })]),
            .. Enumerable.Range(0, 10).Select(i => new TraceChain($"short-{i}", "short", 0, [Task("s", "Short", 1)])),
        ];
        var start = double.NaN;
        var simulator = new Simulator(SimCluster.Uniform(1, 1, spread: 0), "affinity", prefetch: false)
        {
            WorkerCapacity = 1,
            OursPathWeight = pathWeight,
            OnPlaced = p => start = p.ChainId == "lead" && p.TaskId == "l2" ? p.StartS : start,
        };
        simulator.Run(chains).Tasks.ShouldBe(14);
        return start;
    }

    [Fact]
    public void Our_line_puts_a_task_that_leads_a_long_rest_of_its_chain_ahead_of_shorter_tasks()
    {
        // Shortest first alone: every Short task (1 s) goes before l1 and l2 (2 s each): 10 s of them.
        ThirdLeadStart(0).ShouldBeGreaterThanOrEqualTo(2 + 10 + 2);
        // Weighing the rest of the chain, l1 and l2 go ahead of the Short tasks (one Short task gets in as each
        // Lead task ends, before the next is ready).
        ThirdLeadStart(CriticalPath.DefaultWeight).ShouldBeLessThanOrEqualTo(2 + 1 + 2 + 1);
    }

    [Fact]
    public void By_default_the_simulator_serves_the_line_as_the_clusters_scheduler_does()
    {
        new Simulator(SimCluster.Uniform(1, 1), "affinity", prefetch: true).Line.ShouldBe(LineOrder.FairByType);
    }

    [Fact]
    public void Being_fair_does_not_lose_work_or_change_the_total_time()
    {
        var (_, fair) = Run("least-loaded", LineOrder.FairByType);
        var (_, arrival) = Run("least-loaded", LineOrder.Arrival);

        fair.Tasks.ShouldBe(41);
        arrival.Tasks.ShouldBe(41);
        // the Blast flood's own last task finishes 1 s later, the Tiny workflow 180 s sooner
        fair.MeanMakespanS.ShouldBeLessThan(arrival.MeanMakespanS);
        fair.MeanExecS.ShouldBe(arrival.MeanExecS, tolerance: 1e-9);
    }
}
