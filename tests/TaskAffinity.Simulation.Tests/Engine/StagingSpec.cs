using Shouldly;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

/// <summary>Lookahead staging: where it goes, when it starts, and what counts as wasted.</summary>
public sealed class StagingSpec
{
    private const long MB = 1_000_000;

    private static TraceTask Task(string id, string type, double seconds, string[]? after = null, DataRef[]? inputs = null) =>
        new(id, type, [.. after ?? []], seconds, 1, 100, [.. inputs ?? []], [], null);

    /// <summary>a (type A) → b (type B, reads <paramref name="mb"/> MB from the store), one chain every 3 s.</summary>
    private static List<TraceChain> ParentThenChild(int chains, long mb = 60) => [.. Enumerable.Range(0, chains).Select(i => new TraceChain($"c{i}", "app", i * 3,
        [Task("a", "A", 1), Task("b", "B", 0.5, after: ["a"], inputs: [new DataRef($"in-{i}", mb * MB)])]))];

    /// <summary>A runs three times faster on host-00, B three times faster on host-01.</summary>
    private static SimCluster Crossed() => SimCluster.Uniform(2, 1, spread: 0) with
    {
        Recorded = new Dictionary<(string, TaskType), double>
        {
            [("host-00", "A")] = 1, [("host-01", "A")] = 3, [("host-00", "B")] = 3, [("host-01", "B")] = 1,
        },
    };

    [Fact]
    public void A_childs_inputs_are_staged_where_the_child_will_run_not_where_its_parent_ran()
    {
        // once learned, a runs on host-00 and b on host-01: speed outweighs the cache term, so inputs staged
        // beside the parent would be wasted
        var result = new Simulator(Crossed(), "affinity", prefetch: true) { ModelEvery = 10 }.Run(ParentThenChild(200));

        var staged = 200 * 60.0;
        result.WastedMb!.Value.ShouldBeLessThan(staged * 0.1);
        result.PrefetchHitRate!.Value.ShouldBeGreaterThan(0.8);
    }

    [Fact]
    public void The_oracle_stages_only_what_each_task_reads_where_it_runs()
    {
        var result = new Simulator(Crossed(), Simulator.Oracle, prefetch: true).Run(ParentThenChild(50));

        result.WastedMb.ShouldBe(0);
        result.PrefetchHitRate.ShouldBe(1);
    }

    [Fact]
    public void Staged_bytes_never_read_count_as_wasted_even_when_nothing_evicts_them()
    {
        // round-robin has no dry run (a turn would be used up): it stages beside the parent, on host-00,
        // and the child takes the next turn, on host-01; the 1 GiB caches never fill
        var chains = Enumerable.Range(0, 5).Select(i => new TraceChain($"c{i}", "app", i * 10,
            [Task("a", "A", 1), Task("b", "B", 1, after: ["a"], inputs: [new DataRef($"in-{i}", 10 * MB)])]));

        var result = new Simulator(SimCluster.Uniform(2, 1, spread: 0), "round-robin", prefetch: true).Run(chains);

        result.WastedMb!.Value.ShouldBe(50, tolerance: 1e-9);
        result.PrefetchHitRate.ShouldBe(0);
    }

    [Fact]
    public void Staging_for_a_queued_task_starts_when_it_is_placed_so_an_earlier_reader_never_waits_for_it()
    {
        // round-robin over the two slots of one host: x (100 s) on slot 0, y on slot 1, z queued behind x on
        // slot 0, staging K for z's child at once; v reads K at t = 2 on the idle slot 1. Were the fetch to start
        // only when z starts (t = 100), v would wait for it for 98 s.
        var key = new DataRef("K", 60 * MB);
        TraceChain[] chains =
        [
            new("x", "app", 0, [Task("x1", "X", 100)]),
            new("y", "app", 0.5, [Task("y1", "Y", 0.1)]),
            new("z", "app", 1, [Task("z1", "Z", 1), Task("z2", "Z", 1, after: ["z1"], inputs: [key])]),
            new("v", "app", 2, [Task("v1", "V", 1, inputs: [key])]),
        ];

        var result = new Simulator(SimCluster.Uniform(1, 2, spread: 0), "round-robin", prefetch: true).Run(chains);

        result.MeanStallS.ShouldBe(0);
        result.PrefetchHitRate.ShouldBe(1);
    }

    [Fact]
    public void An_input_larger_than_the_stager_fetches_at_once_is_not_staged_and_wastes_nothing()
    {
        // as the cluster's stager (Core's PrefetchPlanner, at most 64 MiB in flight): 60 MB is staged, 200 MB is not
        var small = new Simulator(Crossed(), "affinity", prefetch: true) { ModelEvery = 10 }.Run(ParentThenChild(50, mb: 60));
        var large = new Simulator(Crossed(), "affinity", prefetch: true) { ModelEvery = 10 }.Run(ParentThenChild(50, mb: 200));

        small.PrefetchHitRate!.Value.ShouldBeGreaterThan(0.5);
        large.WastedMb.ShouldBe(0);
        large.PrefetchHitRate.ShouldBe(0);
        large.MeanStallS.ShouldBeGreaterThan(0.1); // half the tasks fetch 200 MB themselves: 0.25 s each
    }

    [Fact]
    public void Inputs_over_the_stagers_budget_wait_and_are_fetched_as_earlier_fetches_land()
    {
        // b reads 12 inputs of 20 MB: more than 8 fetches and 64 MiB at once, so the stager takes them in turns,
        // each landing (25 ms) making room for the next; a runs 10 s, long enough for all of them
        var inputs = Enumerable.Range(0, 12).Select(i => new DataRef($"in-{i}", 20 * MB)).ToArray();
        TraceChain[] chains = [new("c", "app", 0, [Task("a", "A", 10), Task("b", "B", 1, after: ["a"], inputs: inputs)])];

        var result = new Simulator(SimCluster.Uniform(1, 1, spread: 0), "least-loaded", prefetch: true).Run(chains);

        result.PrefetchHitRate.ShouldBe(1);
        result.MeanStallS.ShouldBe(0);
        result.WastedMb.ShouldBe(0);
    }
}
