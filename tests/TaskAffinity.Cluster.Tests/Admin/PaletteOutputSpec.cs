using System.Collections.Immutable;
using TaskAffinity.Cluster.Admin;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Monitoring.MonitorProtocol;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Tests.Admin;

/// <summary>What tactl prints for fixed cluster facts, pinned in Admin/expected.</summary>
public sealed class PaletteOutputSpec
{
    private static readonly TaskType Create = new("Create"), Copy = new("Copy");
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static ProfileEntry Profile(string worker, TaskType type, long samples, double ms, double errorRate = 0) =>
        new(worker, type, new TaskTypeProfile(samples, ms, 0.5, 0.2, 0.1, errorRate, 0));

    private static readonly ImmutableArray<ProfileEntry> Profiles =
    [
        Profile("n1/0", Create, 40, 20), Profile("n1/1", Create, 12, 35), Profile("n1/10", Copy, 7, 60, 0.1),
        Profile("n2/0", Copy, 30, 15), Profile("n2/0", Create, 2, 90, 0.5),
    ];

    private static ClusterViewSnapshot View(params HostSample[] hosts) => new(At, [], [.. hosts],
        new ModelSnapshot(12, Profiles, TransitionTable.Empty, new PredictionStats(1000, 0.834, 400, 0.6125, 0.42)),
        new AffinityOptions(), []);

    private static HostSample Sample(string host, double? cpu, double heat, long hits, long misses, params WorkerPrefetch[] workers) =>
        new(host, $"akka.tcp://taskaffinity@{host}:4053", At, cpu, 0.25, 0.05, null, heat,
            new PrefetchCounters(hits, misses, 50L << 20, 5L << 20, 100, 40, 3, 60, 1), [.. workers]);

    [Fact]
    public void Cluster_show_prints_pbms_member_lines_and_the_count()
    {
        IReadOnlyList<ClusterPalette.MemberRow> rows =
        [
            new("akka.tcp://taskaffinity@10.0.0.1:4053", ["host-n1", "scheduler", "worker"], "up", "reachable", "1.0.0"),
            new("akka.tcp://taskaffinity@10.0.0.2:4053", ["host-n2", "scheduler", "worker"], "up", "unreachable", "1.0.0"),
            new("akka.tcp://taskaffinity@10.0.0.9:4053", ["client"], "joining", "reachable", "1.0.0"),
        ];
        Expected.Matches("cluster-show", ClusterPalette.RenderShow(rows));
    }

    [Fact]
    public void Region_and_shard_stats_sum_per_node()
    {
        IReadOnlyList<ShardingPalette.ShardRow> shards =
        [
            new("chain", "akka.tcp://taskaffinity@10.0.0.1:4053", "3", 120), new("chain", "akka.tcp://taskaffinity@10.0.0.1:4053", "7", 80),
            new("chain", "akka.tcp://taskaffinity@10.0.0.2:4053", "1", 95), new("worker", "akka.tcp://taskaffinity@10.0.0.1:4053", "n1", 8),
        ];
        Expected.Matches("sharding-region-stats", ShardingPalette.RegionStats(shards).Text);
        Expected.Matches("sharding-shard-stats", ShardingPalette.ShardStats(shards).Text);
    }

    [Fact]
    public void Affinity_show_is_a_worker_by_type_matrix_with_dashes_where_nothing_ran()
    {
        Expected.Matches("affinity-show", AffinityPalette.Matrix(View().AffinityMap()).Text);
        Expected.Matches("affinity-weights-get", AffinityPalette.Weights(View(), null).Text);
    }

    [Fact]
    public void Predictor_show_next_and_chains()
    {
        Expected.Matches("predictor-show", PredictorPalette.Show(View()).Text);
        Expected.Matches("predictor-next", PredictorPalette.Next(new NextTypeDistribution([new(Copy, 0.75), new(Create, 0.25)], 0.8)).Text);
        Expected.Matches("predictor-chains", PredictorPalette.Chains([new FrequentChain([Create, Copy], 40, 80), new FrequentChain([Copy, Create], 3.5, 7)]).Text);
    }

    [Fact]
    public void Prefetch_stats_per_host_with_the_cluster_total_and_per_worker()
    {
        var view = View(Sample("n1", 0.5, 0.5, 90, 10, new WorkerPrefetch("n1/0", 60, 30, 2), new WorkerPrefetch("n1/1", 40, 10, 1)),
            Sample("n2", null, 0.25, 0, 0));
        Expected.Matches("prefetch-stats", PrefetchPalette.Stats(view).Text);
    }

    [Fact]
    public void Hosts_show_and_the_coloured_heatmap()
    {
        IReadOnlyList<HostsPalette.HostRow> rows =
        [
            new("n1", "akka.tcp://taskaffinity@10.0.0.1:4053", 8, 8, 6, 9, 2, 4096, 0.91, 0.3, 0.05, 0.0, 0.91),
            new("n2", null, 8, 7, 1, 0, 2, 4096, null, null, null, null, null),
        ];
        Expected.Matches("hosts-show", HostsPalette.Show(rows).Text);
        Expected.Matches("heatmap", HeatmapPalette.Render(rows).Text);
    }

    [Fact]
    public void Chains_show_and_tasks_explain()
    {
        var status = new ChainStatus("c-1", "app", ChainPhase.Running,
        [
            new TaskView("a", Create, TaskPhase.Succeeded, 1, "n1/0", "out", null, 20.04, 31.5) { Explanation = "attempt 1 on n1/0, affinity: highest score 0.8 of 2 eligible workers with room (2 eligible); decided by affinity; on host n1" },
            new TaskView("b", Copy, TaskPhase.Running, 0, "n2/0", "", null, 0, 0),
            new TaskView("c", Copy, TaskPhase.Waiting, 1, null, "", "IOException: disk full", 3, 9),
        ]);
        Expected.Matches("chains-show", ChainsPalette.Show(status).Text);
        Expected.Matches("tasks-explain", TasksPalette.Explain(status, "a").Text);
        Expected.Matches("tasks-explain-waiting", TasksPalette.Explain(status, "c").Text);
    }
}
