using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskAffinity.Simulation.Engine;

namespace TaskAffinity.Simulation.Reports;

/// <summary>
/// One workload's results: every policy's figures, the latencies behind its CDF, its cache hit rate over time
/// and notes on how it was replayed (e.g. speed factors taken from the trace).
/// </summary>
public sealed record WorkloadReport(string Name, int Tasks, int Chains, IReadOnlyList<SimResult> Results, IReadOnlyDictionary<string, double[]> Latencies,
    IReadOnlyDictionary<string, IReadOnlyList<HitRateWindow>>? HitRates = null, IReadOnlyList<string>? Notes = null);

/// <summary>
/// Writes <c>report.md</c> (a table per workload, policies as rows, each figure also as a ratio to ours),
/// <c>summary.json</c> (the shape other tools read), and per workload a latency CDF and the cache hit rate over
/// time, each as PNG and SVG.
/// </summary>
public static class ReportWriter
{
    public const string Ours = "affinity";

    public static void Write(string directory, IReadOnlyList<WorkloadReport> workloads)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.md"), Markdown(workloads));
        File.WriteAllText(Path.Combine(directory, "summary.json"), Summary(workloads).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        foreach (var workload in workloads)
        {
            LatencyPlot.Save(Path.Combine(directory, $"latency-cdf-{Safe(workload.Name)}"), workload);
            HitRatePlot.Save(Path.Combine(directory, $"hit-rate-{Safe(workload.Name)}"), workload);
        }
    }

    public static string Markdown(IReadOnlyList<WorkloadReport> workloads)
    {
        var md = new StringBuilder("# Simulation report\n");
        foreach (var w in workloads)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {w.Name}: {w.Tasks} tasks in {w.Chains} chains\n\n");
            foreach (var note in w.Notes ?? [])
                md.Append(note).Append("\n\n");
            md.Append("Latency is ready → done (wait + data stall + execution), in seconds. ×ours: the policy's figure over ours (for latency and makespan, above 1 means ours is faster).\n\n");
            md.Append("| policy | mean latency | ×ours | p50 | p95 | p99 | ×ours | wait | stall | exec | mean makespan | ×ours | p99 makespan | throughput (tasks/s) | prefetch hit rate | wasted MB | prediction top-1 | on type change | decisions/s |\n");
            md.Append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            var ours = w.Results.FirstOrDefault(r => r.Policy == Ours);
            foreach (var r in w.Results)
            {
                string X(Func<SimResult, double> f) => ours is null || f(ours) == 0 ? "" : N(f(r) / f(ours), "0.00");
                md.Append(CultureInfo.InvariantCulture,
                    $"| {r.Policy} | {N(r.MeanLatencyS)} | {X(x => x.MeanLatencyS)} | {N(r.P50LatencyS)} | {N(r.P95LatencyS)} | {N(r.P99LatencyS)} | {X(x => x.P99LatencyS)} | {N(r.MeanWaitS)} | {N(r.MeanStallS)} | {N(r.MeanExecS)} | {N(r.MeanMakespanS)} | {X(x => x.MeanMakespanS)} | {N(r.P99MakespanS)} | {N(r.ThroughputTps, "0.00")} | {P(r.PrefetchHitRate)} | {O(r.WastedMb, "0.0")} | {P(r.PredictionTop1)} | {P(r.PredictionTop1OnChange)} | {N(r.DecisionsPerS, "0")} |\n");
            }
            var safe = Safe(w.Name);
            md.Append(CultureInfo.InvariantCulture, $"\nPlots: `latency-cdf-{safe}.png` (task latency CDF per policy) and `hit-rate-{safe}.png` (share of input reads served from the host cache, per window of simulated time, per policy; SVG alongside).\n");
        }
        return md.ToString();
    }

    public static JsonObject Summary(IReadOnlyList<WorkloadReport> workloads)
    {
        var array = new JsonArray();
        foreach (var w in workloads)
        {
            var policies = new JsonObject();
            foreach (var r in w.Results)
                policies[r.Policy] = new JsonObject
                {
                    ["mean_latency_s"] = r.MeanLatencyS, ["p50_latency_s"] = r.P50LatencyS, ["p95_latency_s"] = r.P95LatencyS,
                    ["p99_latency_s"] = r.P99LatencyS, ["mean_makespan_s"] = r.MeanMakespanS, ["p99_makespan_s"] = r.P99MakespanS,
                    ["throughput_tps"] = r.ThroughputTps, ["prefetch_hit_rate"] = r.PrefetchHitRate, ["wasted_mb"] = r.WastedMb,
                    ["prediction_top1"] = r.PredictionTop1, ["prediction_top1_on_change"] = r.PredictionTop1OnChange,
                    ["decisions_per_s"] = r.DecisionsPerS,
                };
            array.Add(new JsonObject { ["name"] = w.Name, ["tasks"] = w.Tasks, ["chains"] = w.Chains, ["policies"] = policies });
        }
        return new JsonObject { ["workloads"] = array };
    }

    private static string N(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
    private static string O(double? value, string format) => value is { } v ? N(v, format) : "–";
    private static string P(double? value) => value is { } v ? (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "–";

    internal static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
