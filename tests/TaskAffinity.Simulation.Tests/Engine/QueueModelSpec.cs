using System.Text.RegularExpressions;
using Shouldly;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using TaskAffinity.Simulation.Workloads;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

/// <summary>The central line (as the cluster's scheduler holds tasks) against the older per-worker queues.</summary>
public sealed class QueueModelSpec
{
    private static readonly string[] Everyone = [.. PlacementPolicies.Names, Simulator.Oracle];

    private static TraceTask Task(string id, string type, double seconds) => new(id, type, [], seconds, 1, 100, [], [], null);

    /// <summary>Recurring chains at about 240% of what 2 hosts × 2 slots can run: the line grows.</summary>
    private static List<TraceChain> Overload() => [.. RecurringChains.Generate(300, 0.8, seed: 5)];

    private static SimCluster Small() => SimCluster.Uniform(2, 2, spread: 0.5, seed: 5);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(Simulator.DefaultWorkerCapacity)]
    public void Under_the_central_queue_no_worker_ever_holds_more_than_its_capacity(int capacity)
    {
        var chains = Overload();
        foreach (var policy in PlacementPolicies.Names)
        {
            var most = 0;
            var simulator = new Simulator(Small(), policy, prefetch: policy == "affinity")
            {
                WorkerCapacity = capacity,
                OnPlaced = p => most = Math.Max(most, p.Held),
            };

            var result = simulator.Run(chains);

            result.Tasks.ShouldBe(chains.Sum(c => c.Tasks.Length), policy);
            most.ShouldBe(capacity, policy); // reached, never passed
            simulator.LastLine.Tasks.ShouldBeGreaterThan(100, policy);
        }
    }

    [Fact]
    public void Under_the_worker_queue_the_same_overload_piles_up_on_the_workers()
    {
        var most = 0;
        var simulator = new Simulator(Small(), "least-loaded", prefetch: false) { Queue = QueueModel.Worker, OnPlaced = p => most = Math.Max(most, p.Held) };

        simulator.Run(Overload());

        most.ShouldBeGreaterThan(4 * Simulator.DefaultWorkerCapacity);
        simulator.LastLine.ShouldBe((0, 0));
    }

    [Theory]
    [InlineData("least-loaded")]
    [InlineData("affinity")]
    [InlineData("earliest-finish")]
    [InlineData("power-of-two")]
    public void A_task_waiting_in_the_line_goes_to_the_first_worker_with_room_and_the_line_keeps_its_order(string policy)
    {
        // two one-slot workers holding one task each: a (10 s) and b (3 s) fill them; c and then d wait.
        // b's worker frees first, at 3 s: c goes there, not behind a; d waits for c (done at 4 s), not for a.
        TraceChain[] chains =
        [
            new("a", "app", 0, [Task("a1", "A", 10)]),
            new("b", "app", 0, [Task("b1", "B", 3)]),
            new("c", "app", 0.5, [Task("c1", "C", 1)]),
            new("d", "app", 0.6, [Task("d1", "D", 1)]),
        ];
        var placed = new Dictionary<string, PlacementRecord>();
        var simulator = new Simulator(SimCluster.Uniform(2, 1, spread: 0), policy, prefetch: false)
        {
            WorkerCapacity = 1,
            OnPlaced = p => placed[p.ChainId] = p,
        };

        var result = simulator.Run(chains);

        placed["c"].WorkerId.ShouldBe(placed["b"].WorkerId);
        (placed["c"].ReadyS, placed["c"].PlacedS, placed["c"].StartS).ShouldBe((0.5, 3, 3));
        placed["d"].WorkerId.ShouldBe(placed["b"].WorkerId);
        (placed["d"].PlacedS, placed["d"].StartS).ShouldBe((4, 4));
        // waits: a 0, b 0, c 2.5, d 3.4; the line's wait counts in latency
        result.MeanWaitS.ShouldBe((2.5 + 3.4) / 4, tolerance: 1e-9);
        result.MeanLatencyS.ShouldBe((10 + 3 + 3.5 + 4.4) / 4, tolerance: 1e-9);
        simulator.LastLine.ShouldBe((2, 2));
    }

    [Fact]
    public void Under_light_load_both_queue_models_give_the_same_results()
    {
        // recurring chains on 16 hosts × 4 slots, about 15% busy: no policy's choice ever holds 5 tasks (at 30%,
        // on 8 × 4, random alone sometimes draws a worker that does)
        var chains = RecurringChains.Generate(600, 0.8, seed: 3).ToList();
        var cluster = SimCluster.Uniform(16, 4, spread: 0.5, seed: 3);
        foreach (var policy in Everyone)
        {
            var central = new Simulator(cluster, policy, prefetch: policy == "affinity");
            var worker = new Simulator(cluster, policy, prefetch: policy == "affinity") { Queue = QueueModel.Worker };

            var a = central.Run(chains);
            var b = worker.Run(chains);

            central.LastLine.Tasks.ShouldBe(0, policy);
            (a with { DecisionsPerS = 0 }).ShouldBe(b with { DecisionsPerS = 0 }, policy);
            central.LastLatencies.ShouldBe(worker.LastLatencies, policy);
        }
    }

    [Fact]
    public void Under_overload_the_central_line_changes_every_policys_figures_the_oracles_too()
    {
        var chains = Overload();
        foreach (var policy in Everyone)
        {
            var central = new Simulator(Small(), policy, prefetch: policy == "affinity").Run(chains);
            var worker = new Simulator(Small(), policy, prefetch: policy == "affinity") { Queue = QueueModel.Worker }.Run(chains);

            central.MeanLatencyS.ShouldNotBe(worker.MeanLatencyS, policy);
        }
    }

    /// <summary>
    /// Figures of the overloaded workload from the simulator as it was before the central line (commit
    /// 2d1feb1, every task bound to a worker at once), to the last bit that matters: <c>--queue worker</c> must
    /// reproduce them.
    /// </summary>
    [Theory]
    [InlineData("affinity", 1487, 8.987397132044935, 17.4710568462149, 8.705351126032022, 0.013332548755884351, 44.54753178450282, 0.5851958663782745, 9687.0)]
    [InlineData("round-robin", 1487, 10.471935450557902, 24.62119559171805, 10.161063974375407, 0.017257565568258255, 51.905893383265344, null, null)]
    [InlineData("random", 1487, 11.004199266326642, 22.62433809284691, 10.689481015261867, 0.017150134498991287, 54.54414769675901, null, null)]
    [InlineData("least-loaded", 1487, 10.456340496210164, 19.69030167131672, 10.143001235763656, 0.015885843981170177, 51.828594392881726, null, null)]
    [InlineData("power-of-two", 1487, 10.378022428722353, 18.723461107474346, 10.06519152600081, 0.01690921318090115, 51.44039783836711, null, null)]
    [InlineData("earliest-finish", 1487, 10.29511811652663, 22.35225481829699, 9.984239326742541, 0.01505564895763285, 51.02946879758361, null, null)]
    [InlineData("oracle", 1487, 3.3499038962561993, 5.923719643237688, 3.1559725503638805, 2.5554808338937462E-05, 16.604356979109898, 0.9997596731554914, 0.0)]
    public void The_worker_queue_reproduces_the_figures_of_the_simulator_before_the_central_line(string policy, int tasks,
        double meanLatency, double p99Latency, double meanWait, double meanStall, double meanMakespan, double? hitRate, double? wastedMb)
    {
        var result = new Simulator(Small(), policy, prefetch: policy == "affinity") { Queue = QueueModel.Worker }.Run(Overload());

        result.Tasks.ShouldBe(tasks);
        result.MeanLatencyS.ShouldBe(meanLatency, tolerance: 1e-9 * meanLatency);
        result.P99LatencyS.ShouldBe(p99Latency, tolerance: 1e-9 * p99Latency);
        result.MeanWaitS.ShouldBe(meanWait, tolerance: 1e-9 * meanWait);
        result.MeanStallS.ShouldBe(meanStall, tolerance: 1e-9 * meanStall + 1e-12);
        result.MeanMakespanS.ShouldBe(meanMakespan, tolerance: 1e-9 * meanMakespan);
        if (hitRate is null) result.PrefetchHitRate.ShouldBeNull();
        else result.PrefetchHitRate!.Value.ShouldBe(hitRate.Value, tolerance: 1e-12);
        if (wastedMb is null) result.WastedMb.ShouldBeNull();
        else result.WastedMb!.Value.ShouldBe(wastedMb.Value, tolerance: 1e-9);
    }

    [Fact]
    public void The_default_capacity_is_one_running_task_plus_the_clusters_default_prefetch_buffer()
    {
        var conf = File.ReadAllText(Path.Combine(RepositoryRoot(), "hocon", "taskaffinity.conf"));
        var buffer = Regex.Match(conf, @"\bprefetch\s*\{[^}]*?\bbuffer-size\s*=\s*(\d+)");

        buffer.Success.ShouldBeTrue();
        Simulator.DefaultWorkerCapacity.ShouldBe(1 + int.Parse(buffer.Groups[1].Value));
        new Simulator(Small(), "affinity", prefetch: true).WorkerCapacity.ShouldBe(Simulator.DefaultWorkerCapacity);
        new Simulator(Small(), "affinity", prefetch: true).Queue.ShouldBe(QueueModel.Central);
    }

    [Fact]
    public void A_capacity_below_one_task_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Simulator(Small(), "affinity", prefetch: true) { WorkerCapacity = 0 });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "hocon", "taskaffinity.conf"))) return dir.FullName;
        throw new DirectoryNotFoundException("no hocon/taskaffinity.conf above the test folder");
    }
}
