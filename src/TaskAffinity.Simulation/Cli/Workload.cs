using System.Collections.Immutable;
using TaskAffinity.Core.Workloads;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Cli;

/// <summary>
/// A named workload the simulator replays once per policy. <see cref="Chains"/> may be enumerated several
/// times; a <c>.tatrace.csv</c> is streamed from disk each time.
/// </summary>
public sealed record Workload(string Name, Func<IEnumerable<TraceChain>> Chains)
{
    /// <summary>
    /// A <c>.tatrace.csv</c> file, a WfFormat JSON file, a folder of them (one workload: its WfFormat runs
    /// arrive in <c>executedAt</c> order, <paramref name="runGapS"/> apart; its trace files follow in name
    /// order), or <c>builtin:snapshot[:sessions]</c>. Files that cannot be read are reported to
    /// <paramref name="errors"/> and left out; the rest still run.
    /// </summary>
    public static Workload? Load(string path, double runGapS, TextWriter errors)
    {
        if (path.StartsWith("builtin:snapshot", StringComparison.Ordinal))
        {
            var sessions = path.Split(':') is [_, _, var n] && int.TryParse(n, out var parsed) ? parsed : 600;
            return new Workload($"snapshot-{sessions}", () => Snapshot(sessions));
        }
        if (File.Exists(path)) return FromFiles(Path.GetFileName(path), [path], runGapS, errors);
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tatrace.csv", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            return FromFiles(new DirectoryInfo(path).Name, files, runGapS, errors);
        }
        errors.WriteLine($"{path}: no such file or folder");
        return null;
    }

    private static Workload? FromFiles(string name, IReadOnlyList<string> files, double runGapS, TextWriter errors)
    {
        var runs = new List<WfRun>();
        var traces = new List<string>();
        foreach (var file in files)
        {
            if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                try { runs.Add(WfFormatReader.Read(file)); }
                catch (TraceFormatException e) { errors.WriteLine(e.Message); }
            }
            else if (Validate(file, errors)) traces.Add(file);
        }
        if (runs.Count == 0 && traces.Count == 0) return null;
        var ordered = runs.OrderBy(r => r.ExecutedAt ?? DateTimeOffset.MaxValue).ThenBy(r => r.Chain.ChainId, StringComparer.Ordinal)
            .Select((r, i) => r.Chain with { ArrivalS = i * runGapS }).ToImmutableArray();
        return new Workload(name, () => ordered.Concat(traces.SelectMany(TaTraceReader.Read)));
    }

    /// <summary>A trace file is read through once first, so a broken one is reported and left out whole.</summary>
    private static bool Validate(string file, TextWriter errors)
    {
        try
        {
            foreach (var _ in TaTraceReader.Read(file)) { }
            return true;
        }
        catch (TraceFormatException e)
        {
            errors.WriteLine(e.Message);
            return false;
        }
    }

    /// <summary>The demo's snapshot sessions: 2 ms of compute per operation plus its input from the store.</summary>
    private static IEnumerable<TraceChain> Snapshot(int sessions) =>
        SnapshotSessions.Generate(sessions, seed: 42, arrivalsPerSecond: 15, "sim").Select(s => new TraceChain(s.ChainId, s.AppId, s.Arrival.TotalSeconds,
            [.. s.Tasks.Select(t => new TraceTask(t.Id, t.Type, t.DependsOn, 0.002, t.Resources.Cpu, t.Resources.MemoryMb, t.Inputs, [], null))]));
}
