using System.Text.Json.Nodes;
using Shouldly;
using TaskAffinity.Simulation.Cli;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Reports;
using TaskAffinity.Simulation.Traces;
using Xunit;

namespace TaskAffinity.Simulation.Tests.Engine;

public sealed class ReportSpec : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "taskaffinity-sim-tests", Guid.NewGuid().ToString("N"));

    private static WorkloadReport Report()
    {
        TraceChain[] chains = [new("c1", "app", 0, [new TraceTask("a", "A", [], 1, 1, 10, [], [], null), new TraceTask("b", "B", ["a"], 1, 1, 10, [], [], null)])];
        var cluster = SimCluster.Uniform(2, 1, spread: 0);
        var ours = new Simulator(cluster, "affinity", prefetch: true);
        var baseline = new Simulator(cluster, "least-loaded", prefetch: false);
        var results = new[] { ours.Run(chains), baseline.Run(chains) };
        return new WorkloadReport("tiny", 2, 1, results, new Dictionary<string, double[]> { ["affinity"] = ours.LastLatencies, ["least-loaded"] = baseline.LastLatencies },
            new Dictionary<string, IReadOnlyList<HitRateWindow>> { ["affinity"] = ours.LastHitRates, ["least-loaded"] = baseline.LastHitRates },
            ["Speed factors: a note on how the workload was replayed."]);
    }

    [Fact]
    public void The_summary_has_the_agreed_shape_with_null_where_a_metric_does_not_apply()
    {
        ReportWriter.Write(_dir, [Report()]);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")))!;
        var workload = summary["workloads"]![0]!;
        (workload["name"]!.GetValue<string>(), workload["tasks"]!.GetValue<int>(), workload["chains"]!.GetValue<int>()).ShouldBe(("tiny", 2, 1));
        var ours = workload["policies"]!["affinity"]!.AsObject();
        ours.Select(p => p.Key).ShouldBe(["mean_latency_s", "p50_latency_s", "p95_latency_s", "p99_latency_s", "mean_makespan_s", "p99_makespan_s",
            "throughput_tps", "prefetch_hit_rate", "wasted_mb", "prediction_top1", "prediction_top1_on_change", "decisions_per_s"]);
        ours["mean_makespan_s"]!.GetValue<double>().ShouldBe(2, tolerance: 1e-9);
        workload["policies"]!["least-loaded"]!["prefetch_hit_rate"].ShouldBeNull();
        File.ReadAllText(Path.Combine(_dir, "report.md")).ShouldContain("| least-loaded |");
        new FileInfo(Path.Combine(_dir, "latency-cdf-tiny.png")).Length.ShouldBeGreaterThan(1000);
        File.ReadAllText(Path.Combine(_dir, "latency-cdf-tiny.svg")).ShouldContain("<svg");
    }

    [Fact]
    public void The_hit_rate_over_time_is_plotted_next_to_the_latency_and_named_in_the_report()
    {
        HitRateWindow[] windows = [new(0, 10, 4, 1), new(10, 20, 4, 3), new(30, 40, 2, 2)];
        var report = Report() with { HitRates = new Dictionary<string, IReadOnlyList<HitRateWindow>> { ["affinity"] = windows, ["least-loaded"] = windows[..2] } };

        ReportWriter.Write(_dir, [report]);

        new FileInfo(Path.Combine(_dir, "hit-rate-tiny.png")).Length.ShouldBeGreaterThan(1000);
        File.ReadAllText(Path.Combine(_dir, "hit-rate-tiny.svg")).ShouldContain("<svg");
        var markdown = File.ReadAllText(Path.Combine(_dir, "report.md"));
        markdown.ShouldContain("`hit-rate-tiny.png`");
        markdown.ShouldContain("Speed factors: a note on how the workload was replayed.");
    }

    [Fact]
    public void A_broken_trace_file_is_reported_by_name_and_line_and_the_others_still_run()
    {
        Directory.CreateDirectory(_dir);
        const string header = "arrival_s,app,chain,task,type,after,duration_s,cpu,mem_mb,inputs,outputs,host";
        File.WriteAllText(Path.Combine(_dir, "good.tatrace.csv"), $"{header}\n0,app,c1,a,A,,1,1,10,,,\n");
        File.WriteAllText(Path.Combine(_dir, "bad.tatrace.csv"), $"{header}\n0,app,c1,a,A,,-1,1,10,,,\n");
        var errors = new StringWriter();

        var workload = Workload.Load(_dir, 0, errors)!;

        errors.ToString().ShouldContain("bad.tatrace.csv");
        errors.ToString().ShouldContain("line 2");
        errors.ToString().ShouldContain("duration_s");
        workload.Chains().Select(c => c.ChainId).ShouldBe(["c1"]);
    }

    [Theory]
    [InlineData("4x4", true)]
    [InlineData("2x8:0.25", true)]
    [InlineData("0x4", false)]
    [InlineData("4", false)]
    [InlineData("4x4:9", false)]
    public void Host_specs_are_checked(string spec, bool valid)
    {
        SimulateCommand.TryParseHosts(spec, 1, out _).ShouldBe(valid);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
