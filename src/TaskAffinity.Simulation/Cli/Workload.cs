using System.Collections.Immutable;
using System.Globalization;
using TaskAffinity.Core.Workloads;
using TaskAffinity.Simulation.Engine;
using TaskAffinity.Simulation.Traces;
using TaskAffinity.Simulation.Workloads;

namespace TaskAffinity.Simulation.Cli;

/// <summary>
/// A named workload the simulator replays once per policy. <see cref="Chains"/> may be enumerated several
/// times; a <c>.tatrace.csv</c> is streamed from disk each time.
/// </summary>
public sealed record Workload(string Name, Func<IEnumerable<TraceChain>> Chains)
{
    /// <summary>Speed factors the workload's WfFormat runs record (null: none), for <see cref="RecordedSpeeds.MapOnto"/>.</summary>
    public RecordedSpeeds? Speeds { get; init; }

    /// <summary>
    /// A <c>.tatrace.csv</c> file, a WfFormat JSON file, a folder of them (one workload: its WfFormat runs
    /// arrive in <c>executedAt</c> order, <paramref name="runGapS"/> apart; its trace files follow in name
    /// order), <c>builtin:snapshot[:sessions]</c> or <c>builtin:recurring[:chains[:predictability]]</c> (both
    /// generated from <paramref name="seed"/>). Files that cannot be read, and built-in specs that do not parse,
    /// are reported to <paramref name="errors"/> and left out; the rest still run.
    /// </summary>
    public static Workload? Load(string path, double runGapS, TextWriter errors, int seed = 42)
    {
        if (path.StartsWith("builtin:", StringComparison.Ordinal))
            return Builtin(path, seed, errors);
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

    private static Workload? Builtin(string spec, int seed, TextWriter errors)
    {
        var parts = spec.Split(':');
        switch (parts)
        {
            case [_, "snapshot"]:
                return Snapshot(600, seed);
            case [_, "snapshot", var n] when int.TryParse(n, out var sessions) && sessions is > 0 and <= 100_000_000:
                return Snapshot(sessions, seed);
            case [_, "recurring", ..] when parts.Length <= 4:
                var chains = 2000;
                var predictability = 0.8;
                if ((parts.Length > 2 && !(int.TryParse(parts[2], out chains) && chains is > 0 and <= 100_000_000))
                    || (parts.Length > 3 && !(double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out predictability) && predictability is >= 0 and <= 1)))
                    break;
                var name = $"recurring-{chains}-p{predictability.ToString("0.###", CultureInfo.InvariantCulture)}";
                return new Workload(name, () => RecurringChains.Generate(chains, predictability, seed));
        }
        errors.WriteLine($"{spec}: not a built-in workload; accepted: builtin:snapshot[:sessions] with 1..100000000 sessions, "
            + "builtin:recurring[:chains[:predictability]] with 1..100000000 chains and a predictability in [0, 1]");
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
        // WfFormat records the machine and runtime of each task; a .tatrace.csv's durations are already on the reference host
        var speeds = RecordedSpeeds.Learn(ordered);
        if (speeds is not null) ordered = [.. ordered.Select(speeds.Normalise)];
        return new Workload(name, () => ordered.Concat(traces.SelectMany(TaTraceReader.Read))) { Speeds = speeds };
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
    private static Workload Snapshot(int sessions, int seed) => new($"snapshot-{sessions}", () => SnapshotChains(sessions, seed));

    private static IEnumerable<TraceChain> SnapshotChains(int sessions, int seed) =>
        SnapshotSessions.Generate(sessions, seed, arrivalsPerSecond: 15, "sim").Select(s => new TraceChain(s.ChainId, s.AppId, s.Arrival.TotalSeconds,
            [.. s.Tasks.Select(t => new TraceTask(t.Id, t.Type, t.DependsOn, 0.002, t.Resources.Cpu, t.Resources.MemoryMb, t.Inputs, [], null))]));
}
