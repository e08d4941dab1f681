using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TaskAffinity.Core.Placement;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Reports;

namespace TaskAffinity.Simulation.Cli;

/// <summary>
/// <c>--trace PATH [--trace PATH ...] --policies LIST --out DIR [--seed N] [--hosts SPEC] [--queue central|worker]
/// [--worker-capacity N] [--line type|chain|arrival]</c>: replays each workload under each policy on the same simulated cluster and writes the report.
/// </summary>
internal static class SimulateCommand
{
    /// <summary>Ours first, then the baselines, then the oracle: the order of the report's rows.</summary>
    public static readonly string[] AllPolicies = [.. PlacementPolicies.Names.OrderBy(n => n == ReportWriter.Ours ? 0 : 1), Simulator.Oracle];

    public static RootCommand Create()
    {
        var traces = new Option<string[]>("--trace") { Description = "A .tatrace.csv file, a WfFormat JSON file, a folder of them, builtin:snapshot[:sessions] or builtin:recurring[:chains[:predictability]]", Required = true, AllowMultipleArgumentsPerToken = true };
        var policies = new Option<string>("--policies") { Description = $"Comma-separated, or all: {string.Join(", ", AllPolicies)}", DefaultValueFactory = _ => "all" };
        var output = new Option<string>("--out") { Description = "Folder for report.md, summary.json and the plots", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the cluster's speed factors, the policies' draws and the built-in workloads", DefaultValueFactory = _ => 42 };
        var hosts = new Option<string>("--hosts") { Description = "HOSTSxSLOTS[:SPREAD], e.g. 4x4:0.5 (σ of the log-normal speed factors per host and type)", DefaultValueFactory = _ => "4x4:0.5" };
        var gap = new Option<double>("--run-gap") { Description = "Seconds between the arrivals of successive WfFormat runs (0: all at once, in executedAt order)", DefaultValueFactory = _ => 0 };
        var queue = new Option<string>("--queue")
        {
            Description = "central: as the cluster, a worker holds at most --worker-capacity tasks and the others wait in one line, placed when a worker has room; "
                + "worker: every ready task joins a worker's queue at once (the simulator's model before the central line)",
            DefaultValueFactory = _ => "central",
        };
        var capacity = new Option<int>("--worker-capacity")
        {
            Description = $"Under --queue central, the most tasks a worker holds: the one it runs plus its prefetch buffer (default {Simulator.DefaultWorkerCapacity}: 1 + the cluster's default taskaffinity.prefetch.buffer-size)",
            DefaultValueFactory = _ => Simulator.DefaultWorkerCapacity,
        };

        var line = new Option<string>("--line")
        {
            Description = "Under --queue central, the order the line is served in when a worker has room, for every policy: "
                + "type: round-robin over task types, arrival order within a type (as the cluster); chain: round-robin over chains; arrival: oldest first",
            DefaultValueFactory = _ => "type",
        };
        var command = new RootCommand("Replays traces through TaskAffinity's placement policies and the baselines on a simulated cluster.")
        {
            traces, policies, output, seed, hosts, gap, queue, capacity, line,
        };
        command.SetAction(parsed =>
        {
            var chosen = parsed.GetValue(policies)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (chosen is ["all"]) chosen = AllPolicies;
            if (chosen.FirstOrDefault(p => !AllPolicies.Contains(p)) is { } unknown)
                return Fail(parsed, $"--policies: unknown policy '{unknown}'; accepted: all, {string.Join(", ", AllPolicies)}");
            if (!TryParseHosts(parsed.GetValue(hosts)!, parsed.GetValue(seed), out var cluster))
                return Fail(parsed, $"--hosts: '{parsed.GetValue(hosts)}' is not HOSTSxSLOTS[:SPREAD] with 1..10000 hosts, 1..1024 slots and a spread from 0 to 3");
            if (parsed.GetValue(gap) is var g && (g < 0 || !double.IsFinite(g)))
                return Fail(parsed, $"--run-gap: '{g}' must be a number of seconds ≥ 0");
            if (!TryParseQueue(parsed.GetValue(queue)!, out var model))
                return Fail(parsed, $"--queue: unknown queue model '{parsed.GetValue(queue)}'; accepted: central, worker");
            if (!TryParseLine(parsed.GetValue(line)!, out var order))
                return Fail(parsed, $"--line: unknown line order '{parsed.GetValue(line)}'; accepted: type, chain, arrival");
            if (parsed.GetValue(capacity) is var held && held < 1)
                return Fail(parsed, $"--worker-capacity: '{held}' must be a whole number of tasks ≥ 1 (the running one included)");

            var errors = parsed.InvocationConfiguration.Error;
            var reports = new List<WorkloadReport>();
            foreach (var path in parsed.GetValue(traces)!)
            {
                var workload = Workload.Load(path, parsed.GetValue(gap), errors, parsed.GetValue(seed));
                if (workload is null) continue;
                reports.Add(Replay(workload, chosen, cluster, model, held, order, errors));
            }
            if (reports.Count == 0) return Fail(parsed, "no workload could be read");
            var dir = parsed.GetValue(output)!;
            ReportWriter.Write(dir, reports);
            var console = parsed.InvocationConfiguration.Output;
            console.WriteLine(ReportWriter.Markdown(reports));
            console.WriteLine($"written to {Path.GetFullPath(dir)}: report.md, summary.json, latency-cdf-*.png/svg, hit-rate-*.png/svg");
            return 0;
        });
        return command;
    }

    private static WorkloadReport Replay(Workload workload, IReadOnlyList<string> policies, SimCluster cluster, QueueModel queue, int capacity, LineOrder order, TextWriter progress)
    {
        List<string> notes = [Describe(queue, capacity, order)];
        if (workload.Speeds is { } speeds)
        {
            cluster = speeds.MapOnto(cluster);
            notes.Add(speeds.Describe(cluster));
        }
        var results = new List<SimResult>();
        List<string> lines = [];
        var latencies = new Dictionary<string, double[]>();
        var hitRates = new Dictionary<string, IReadOnlyList<HitRateWindow>>();
        foreach (var policy in policies)
        {
            var clock = Stopwatch.StartNew();
            var simulator = new Simulator(cluster, policy, prefetch: policy == ReportWriter.Ours) { Queue = queue, WorkerCapacity = capacity, Line = order };
            var result = simulator.Run(workload.Chains());
            results.Add(result);
            latencies[policy] = simulator.LastLatencies;
            hitRates[policy] = simulator.LastHitRates;
            var line = queue == QueueModel.Central
                ? $"; {simulator.LastLine.Tasks} waited in the central line (longest {simulator.LastLine.Longest})"
                : "";
            progress.WriteLine($"{workload.Name}: {policy}: {result.Tasks} tasks in {clock.Elapsed.TotalSeconds:0.00} s of wall time{line}");
            if (line.Length > 0) lines.Add($"{policy} {simulator.LastLine.Tasks} (longest {simulator.LastLine.Longest})");
        }
        if (lines.Count > 0) notes.Add($"Tasks that waited in the central line: {string.Join(", ", lines)}.");
        var first = results[0];
        return new WorkloadReport(workload.Name, first.Tasks, first.Chains, results, latencies, hitRates, notes);
    }

    private static string Describe(QueueModel queue, int capacity, LineOrder order) => queue == QueueModel.Central
        ? $"Queue: central (`--queue central`). A worker holds at most {capacity} {(capacity == 1 ? "task" : "tasks")}, the one it runs included; a task whose chosen worker is full waits in one line, {Describe(order)}, and is placed when a worker has room, as the cluster's scheduler does. Latency counts that wait. Ours (affinity) serves its line shortest learned expected duration first (the mean duration of the task's type over the workers that ran it; a type not yet run first), less twice the learned durations of the types on the longest path after the task in its chain, so a task that leads a long rest of its chain goes ahead; a task goes ahead of younger ones once 1000 tasks have been placed since it joined. The oracle waits in the same line, which it serves shortest true duration first, and places where a task truly finishes first."
        : "Queue: per worker (`--queue worker`). Every ready task is placed at once and joins its worker's queue, however long.";

    private static string Describe(LineOrder order) => order switch
    {
        LineOrder.FairByType => "served round-robin over task types (`--line type`)",
        LineOrder.FairByChain => "served round-robin over chains (`--line chain`)",
        _ => "served in arrival order (`--line arrival`)",
    };

    internal static bool TryParseLine(string value, out LineOrder order)
    {
        (var known, order) = value switch
        {
            "type" => (true, LineOrder.FairByType),
            "chain" => (true, LineOrder.FairByChain),
            "arrival" => (true, LineOrder.Arrival),
            _ => (false, LineOrder.FairByType),
        };
        return known;
    }

    internal static bool TryParseQueue(string value, out QueueModel queue)
    {
        (var known, queue) = value switch
        {
            "central" => (true, QueueModel.Central),
            "worker" => (true, QueueModel.Worker),
            _ => (false, QueueModel.Central),
        };
        return known;
    }

    internal static bool TryParseHosts(string spec, int seed, out SimCluster cluster)
    {
        cluster = null!;
        var parts = spec.Split(':');
        var size = parts[0].Split('x');
        var spread = 0.5;
        if (size.Length != 2 || !int.TryParse(size[0], out var hosts) || !int.TryParse(size[1], out var slots)
            || hosts is < 1 or > 10_000 || slots is < 1 or > 1024
            || (parts.Length == 2 && (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out spread) || spread is < 0 or > 3))
            || parts.Length > 2)
            return false;
        cluster = SimCluster.Uniform(hosts, slots, spread, seed);
        return true;
    }

    private static int Fail(ParseResult parsed, string message)
    {
        parsed.InvocationConfiguration.Error.WriteLine($"taskaffinity-sim: {message}");
        return 2;
    }
}
