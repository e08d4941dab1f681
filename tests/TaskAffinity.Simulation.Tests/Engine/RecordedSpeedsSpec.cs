using Shouldly;
using TaskAffinity.Simulation.Cli;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

public sealed class RecordedSpeedsSpec
{
    private static TraceTask Ran(string id, string type, double seconds, string? machine) => new(id, type, [], seconds, 1, 100, [], [], machine);

    /// <summary>Type X took 2 s twice on m-a and 4 s twice on m-b (mean 3); Y ran once on m-b; Z names no machine.</summary>
    private static TraceChain Recorded() => new("c", "app", 0,
    [
        Ran("x1", "X", 2, "m-a"), Ran("x2", "X", 2, "m-a"), Ran("x3", "X", 4, "m-b"), Ran("x4", "X", 4, "m-b"),
        Ran("y1", "Y", 5, "m-b"), Ran("z1", "Z", 7, null),
    ]);

    [Fact]
    public void A_factor_is_the_mean_runtime_on_the_machine_over_the_mean_of_the_type()
    {
        var speeds = RecordedSpeeds.Learn([Recorded()])!;

        speeds.Factor("m-a", "X")!.Value.ShouldBe(2.0 / 3, tolerance: 1e-12);
        speeds.Factor("m-b", "X")!.Value.ShouldBe(4.0 / 3, tolerance: 1e-12);
        speeds.Factor("m-b", "Y")!.Value.ShouldBe(1, tolerance: 1e-12);
        speeds.Factor("m-a", "Y").ShouldBeNull();
        speeds.Machines.ShouldBe(["m-a", "m-b"]);
        speeds.Pairs.ShouldBe(3);
    }

    [Fact]
    public void A_trace_that_names_no_machine_records_nothing()
    {
        RecordedSpeeds.Learn([new TraceChain("c", "app", 0, [Ran("z", "Z", 1, null)])]).ShouldBeNull();
    }

    [Fact]
    public void Recorded_runtimes_become_reference_durations_and_unrecorded_ones_stay()
    {
        var speeds = RecordedSpeeds.Learn([Recorded()])!;

        var normalised = speeds.Normalise(Recorded());

        normalised.Tasks.Where(t => t.Type == "X").ShouldAllBe(t => Math.Abs(t.DurationS - 3) < 1e-9);
        normalised.Tasks.Single(t => t.Id == "z1").DurationS.ShouldBe(7);
    }

    [Fact]
    public void Machines_map_onto_hosts_in_name_order_and_unrecorded_pairs_keep_the_log_normal_factor()
    {
        var plain = SimCluster.Uniform(3, 1, spread: 0.5, seed: 9);
        var speeds = RecordedSpeeds.Learn([Recorded()])!;

        var cluster = speeds.MapOnto(plain);

        cluster.SpeedFactor("host-00", "X").ShouldBe(2.0 / 3, tolerance: 1e-12);
        cluster.SpeedFactor("host-01", "X").ShouldBe(4.0 / 3, tolerance: 1e-12);
        cluster.SpeedFactor("host-02", "X").ShouldBe(plain.SpeedFactor("host-02", "X"));
        cluster.SpeedFactor("host-00", "Y").ShouldBe(plain.SpeedFactor("host-00", "Y"));
        cluster.SpeedFactor("host-00", "Z").ShouldBe(plain.SpeedFactor("host-00", "Z"));
    }

    [Fact]
    public void Machines_sharing_a_host_pool_their_runs()
    {
        var speeds = RecordedSpeeds.Learn([Recorded()])!;

        var cluster = speeds.MapOnto(SimCluster.Uniform(1, 1));

        cluster.SpeedFactor("host-00", "X").ShouldBe(1, tolerance: 1e-12);
    }

    [Fact]
    public void Replaying_the_shared_makeflow_runs_gives_each_recorded_task_its_recorded_runtime_on_its_machines_host()
    {
        var folder = Path.Combine(SimulatorSpec.WorkloadsRoot(), "wfinstances", "makeflow");
        var recorded = Directory.EnumerateFiles(folder, "*.json").Select(f => WfFormatReader.Read(f).Chain)
            .SelectMany(c => c.Tasks.Select(t => (Key: (c.ChainId, t.Id), Task: t))).ToDictionary(x => x.Key, x => x.Task);

        var workload = Workload.Load(folder, 0, TextWriter.Null)!;
        var cluster = workload.Speeds!.MapOnto(SimCluster.Uniform(4, 4));

        var machines = workload.Speeds.Machines;
        machines.ShouldBe(["worker-1.novalocal", "worker-2.novalocal", "worker-3.novalocal", "worker-4.novalocal"]);
        var replayed = workload.Chains().SelectMany(c => c.Tasks.Select(t => (Reference: t, Recorded: recorded[(c.ChainId, t.Id)]))).ToList();
        replayed.Count.ShouldBe(recorded.Count);
        replayed.Where(x =>
            {
                var seconds = x.Reference.DurationS * cluster.SpeedFactor($"host-{machines.IndexOf(x.Recorded.Host!):D2}", x.Reference.Type);
                return Math.Abs(seconds - x.Recorded.DurationS) > 1e-6 * Math.Max(1, x.Recorded.DurationS);
            })
            .Select(x => x.Reference.Id).ShouldBeEmpty();
        replayed.ShouldContain(x => Math.Abs(x.Reference.DurationS - x.Recorded.DurationS) > 1e-3, "some machine ran a type faster than another");
    }
}
