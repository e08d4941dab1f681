using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

/// <summary>The oracle on the central line: the same line and capacity as the policies, served with true durations.</summary>
public sealed class OracleSpec
{
    private static TraceTask Task(string id, string type, double seconds, string[]? after = null) =>
        new(id, type, [.. after ?? []], seconds, 1, 100, [], [], null);

    /// <summary>
    /// A flood of 200 Blast tasks of 5 s at t = 0, then from t = 1 a small chain every 2 s (A, 1 s → B, 2 s), on
    /// 2 hosts × 2 slots: the flood alone is about 250 s of work for the four workers, so the line is busy
    /// throughout. Binding every task at once, the oracle was slower than the policies here (mean latency 123 s
    /// against round-robin's 117 s, mean makespan 222 s against 51 s): the small chains waited behind the flood.
    /// </summary>
    private static List<TraceChain> FloodAmongSmallChains() =>
    [
        new("flood", "blast", 0, [.. Enumerable.Range(0, 200).Select(i => Task($"b{i}", "Blast", 5))]),
        .. Enumerable.Range(0, 50).Select(i => new TraceChain($"small{i}", "small", 1 + 2 * i, [Task("a", "A", 1), Task("b", "B", 2, after: ["a"])])),
    ];

    private static SimCluster Small() => SimCluster.Uniform(2, 2, spread: 0.5, seed: 5);

    [Fact]
    public void Under_a_busy_line_the_oracle_is_no_slower_than_any_policy_on_mean_latency_or_mean_makespan()
    {
        var chains = FloodAmongSmallChains();
        var oracleSimulator = new Simulator(Small(), Simulator.Oracle, prefetch: true);

        var oracle = oracleSimulator.Run(chains);

        foreach (var policy in PlacementPolicies.Names)
        {
            var result = new Simulator(Small(), policy, prefetch: policy == "affinity").Run(chains);
            oracle.MeanLatencyS.ShouldBeLessThanOrEqualTo(result.MeanLatencyS, policy);
            oracle.MeanMakespanS.ShouldBeLessThanOrEqualTo(result.MeanMakespanS, policy);
        }
        oracleSimulator.LastLine.Tasks.ShouldBeGreaterThan(30); // it waited in the line as everyone does
    }

    [Fact]
    public void The_oracle_never_holds_more_tasks_on_a_worker_than_the_policies_may()
    {
        var most = 0;
        var simulator = new Simulator(Small(), Simulator.Oracle, prefetch: true) { OnPlaced = p => most = Math.Max(most, p.Held) };

        simulator.Run(FloodAmongSmallChains());

        most.ShouldBe(Simulator.DefaultWorkerCapacity);
    }

    [Fact]
    public void The_oracle_serves_the_line_shortest_true_duration_first()
    {
        // one worker holding one task: L (10 s) runs; c (5 s), a (1 s) and b (3 s) arrive in that order and wait
        TraceChain[] chains =
        [
            new("long", "app", 0, [Task("l", "L", 10)]),
            new("c", "app", 0.1, [Task("c", "C", 5)]),
            new("a", "app", 0.2, [Task("a", "A", 1)]),
            new("b", "app", 0.3, [Task("b", "B", 3)]),
        ];
        var starts = new Dictionary<string, double>();
        var simulator = new Simulator(SimCluster.Uniform(1, 1, spread: 0), Simulator.Oracle, prefetch: true)
        {
            WorkerCapacity = 1,
            OnPlaced = p => starts[p.ChainId] = p.StartS,
        };

        simulator.Run(chains);

        (starts["a"], starts["b"], starts["c"]).ShouldBe((10, 11, 14));
    }

    [Fact]
    public void A_task_waits_for_a_full_worker_where_it_truly_finishes_first_rather_than_run_slowly_on_a_free_one()
    {
        // X takes 2 s on host-00 and 20 s on host-01; one task per worker. x1 fills host-00 at t = 0, x2 arrives
        // at t = 0.5: waiting until t = 2 and finishing at 4 beats starting at once on host-01 and finishing at 20.5
        var cluster = SimCluster.Uniform(2, 1, spread: 0) with
        {
            Recorded = new Dictionary<(string, TaskType), double> { [("host-00", "X")] = 1, [("host-01", "X")] = 10 },
        };
        var placed = new Dictionary<string, PlacementRecord>();
        var simulator = new Simulator(cluster, Simulator.Oracle, prefetch: true) { WorkerCapacity = 1, OnPlaced = p => placed[p.ChainId] = p };

        simulator.Run([new TraceChain("x1", "app", 0, [Task("x", "X", 2)]), new TraceChain("x2", "app", 0.5, [Task("x", "X", 2)])]);

        placed["x2"].WorkerId.ShouldBe("host-00/0");
        (placed["x2"].PlacedS, placed["x2"].FinishS).ShouldBe((2, 4));
        simulator.LastLine.ShouldBe((1, 1));
    }
}
