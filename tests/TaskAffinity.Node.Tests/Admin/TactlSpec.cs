using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace TaskAffinity.Node.Tests.Admin;

/// <summary>tactl against a running node that has run work: what operators see (printed, so a run shows it).</summary>
[Collection(AdminNode.Collection)]
public sealed class TactlSpec(AdminNode node, ITestOutputHelper output)
{
    private async Task<string> Run(params string[] args)
    {
        var (code, stdout, stderr) = await AdminNode.Tactl([node.Address, .. args]);
        output.WriteLine($"$ tactl {node.Address} {string.Join(" ", args)}\n{stdout}{stderr}");
        code.ShouldBe(0, stderr);
        return stdout;
    }

    [Fact]
    public async Task Cluster_show_prints_pbms_member_line_and_the_count()
    {
        var text = await Run("cluster", "show");
        text.ShouldMatch(@"^akka\.tcp://taskaffinity@127\.0\.0\.1:\d+ \| \[host-adm,scheduler,worker\] \| up \| reachable \| \d+\.\d+\.\d+\nCount: 1 nodes\n$");
    }

    [Fact]
    public async Task Region_stats_count_the_shards_and_entities_of_each_type()
    {
        var text = await Run("cluster-sharding", "region-stats");
        Regex.IsMatch(text, @"worker\s+akka\.tcp://\S+\s+1\s+4\b").ShouldBeTrue(text); // one shard (the host), four workers
        Regex.IsMatch(text, @"chains\s+akka\.tcp://\S+\s+\d+\s+\d+").ShouldBeTrue(text);
    }

    [Fact]
    public async Task Affinity_show_has_a_row_per_worker_and_a_column_per_type_that_ran()
    {
        var text = await Run("affinity", "show");
        text.ShouldStartWith("WORKER");
        foreach (var type in new[] { "SnapshotCopy", "SnapshotCreate", "SnapshotView" }) text.ShouldContain(type);
        Regex.Matches(text, @"^adm/\d+ ", RegexOptions.Multiline).Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Predictor_show_counts_what_it_learned_and_json_gives_the_same_as_data()
    {
        var text = await Run("predictor", "show");
        text.ShouldContain("top-1 accuracy");
        using var json = JsonDocument.Parse(await Run("predictor", "show", "--json"));
        json.RootElement.GetProperty("observations").GetInt64().ShouldBeGreaterThanOrEqualTo(AdminNode.Chains * 3 - 3);
    }

    [Fact]
    public async Task Prefetch_stats_and_the_heatmap_show_this_host()
    {
        var prefetch = await Run("prefetch", "stats");
        Regex.IsMatch(prefetch, @"^adm\s+\d+", RegexOptions.Multiline).ShouldBeTrue(prefetch);
        prefetch.ShouldContain("(cluster)");
        var heat = await Run("heatmap", "--no-color"); // show is the default command
        Regex.IsMatch(heat, @"^adm\s+\d+\.\d%\s+\d+\.\d%", RegexOptions.Multiline).ShouldBeTrue(heat);
        heat.ShouldNotContain("\u001b");
        (await Run("heatmap", "show", "--color")).ShouldContain("\u001b[48;5;");
    }

    [Fact]
    public async Task A_task_can_be_explained_after_it_ran()
    {
        var list = await Run("chains", "list", "--json");
        using var json = JsonDocument.Parse(list);
        var chain = json.RootElement.GetProperty("chains")[0].GetProperty("chain").GetString()!;
        var text = await Run("tasks", "explain", chain, "b");
        text.ShouldContain($"Task {chain}/b (SnapshotCopy): Succeeded");
        text.ShouldMatch(@"attempt 1 on adm/\d+, affinity: ");
    }

    [Fact]
    public async Task Bad_commands_exit_1_with_the_error_and_a_usage_line_and_an_unreachable_node_exits_3()
    {
        var (code, _, stderr) = await AdminNode.Tactl([node.Address, "nonsense", "show"]);
        code.ShouldBe(1);
        stderr.ShouldContain("tactl: unknown palette 'nonsense'");
        stderr.ShouldContain("usage: tactl [host:port] <palette> <command>");

        (code, _, stderr) = await AdminNode.Tactl([node.Address, "chains", "show"]);
        code.ShouldBe(1);
        stderr.ShouldContain("missing argument chain");
        stderr.ShouldContain("usage: tactl [host:port] chains show <chain>");

        (code, _, stderr) = await AdminNode.Tactl([$"127.0.0.1:{NodeProcess.FreePort()}", "cluster", "show"]);
        code.ShouldBe(3);
        stderr.ShouldContain("cannot reach");
    }
}
