using System.Globalization;
using Akka.Actor;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>affinity</c> palette: the learned worker × type scores, and the score weights per task type.</summary>
public sealed class AffinityPalette(PaletteContext context) : IPalette
{
    private static readonly string[] WeightNames = ["duration", "cpu", "memory", "io", "error-rate"];

    public PaletteSpec Spec { get; } = PaletteSpec.Of("affinity", "learned affinity: show, weights get|set",
        CommandSpec.Of("show", "worker × type scores (0..1, higher runs better there); or one worker's or one type's profiles",
            new ArgSpec("worker", "one worker, e.g. n1/0", IsFlag: true), new ArgSpec("type", "one task type", IsFlag: true)),
        CommandSpec.Of("weights", "get [type] | set <type> [--duration x] [--cpu x] [--memory x] [--io x] [--error-rate x] [--reset]",
            new ArgSpec("action", "get or set", Required: true), new ArgSpec("task-type", "a task type (set: required)"),
            new ArgSpec("duration", "weight 0..1", IsFlag: true), new ArgSpec("cpu", "weight 0..1", IsFlag: true),
            new ArgSpec("memory", "weight 0..1", IsFlag: true), new ArgSpec("io", "weight 0..1", IsFlag: true),
            new ArgSpec("error-rate", "weight 0..1", IsFlag: true), new ArgSpec("reset", "back to the configured weights", IsFlag: true, IsSwitch: true)));

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        var view = await context.ViewAsync();
        if (command.Command == "show")
        {
            var map = view.AffinityMap();
            if (command.Get("worker") is { } worker) return Profiles(map, p => p.WorkerId == worker, $"worker '{worker}'", byWorker: false);
            if (command.Get("type") is { } type) return Profiles(map, p => p.Type.Name == type, $"task type '{type}'", byWorker: true);
            return Matrix(map);
        }
        return command.Get("action") switch
        {
            "get" => Weights(view, command.Get("task-type")),
            "set" => await SetWeights(view, command),
            var other => CommandReply.Failure($"unknown weights action '{other}': get or set", "usage: " + Spec.Find("weights")!.Usage("affinity")),
        };
    }

    /// <summary>Workers (rows) × types (columns): the score where the worker has run the type, else null; and the samples behind it.</summary>
    public sealed record AffinityMatrix(List<string> Workers, List<string> Types, List<double?[]> Scores, List<long[]> Samples)
    {
        public static AffinityMatrix Of(AffinityMap map)
        {
            var workers = map.Entries.Select(e => e.WorkerId).Distinct().Order(WorkerOrder.Instance).ToList();
            var types = map.Entries.Select(e => e.Type).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            return new AffinityMatrix(workers, [.. types.Select(t => t.Name)],
                [.. workers.Select(w => types.Select(t => map.Knows(w, t) ? Math.Round(map.Score(w, t), 3) : (double?)null).ToArray())],
                [.. workers.Select(w => types.Select(t => map.Samples(w, t)).ToArray())]);
        }
    }

    public static CommandReply Matrix(AffinityMap map)
    {
        var m = AffinityMatrix.Of(map);
        if (m.Workers.Count == 0)
            return CommandReply.Success("No affinity learned yet: no task has run.", new { workers = m.Workers, types = m.Types, scores = Array.Empty<double?[]>() });
        var table = new TextTable(["WORKER", .. m.Types]);
        for (var i = 0; i < m.Workers.Count; i++)
            table.Add([m.Workers[i], .. m.Scores[i].Cast<object?>()]);
        return CommandReply.Success(table.ToString(), new { workers = m.Workers, types = m.Types, scores = m.Scores, samples = m.Samples });
    }

    private static CommandReply Profiles(AffinityMap map, Func<ProfileEntry, bool> which, string what, bool byWorker)
    {
        var rows = map.Entries.Where(which)
            .OrderBy(e => byWorker ? e.WorkerId : e.Type.Name, byWorker ? WorkerOrder.Instance : StringComparer.Ordinal)
            .Select(e => new
            {
                worker = e.WorkerId, type = e.Type.Name, score = Math.Round(map.Score(e.WorkerId, e.Type), 3), samples = e.Profile.Samples,
                durationMs = Math.Round(e.Profile.DurationMs, 1), cpu = e.Profile.CpuUtil, memory = e.Profile.MemoryUtil, io = e.Profile.IoUtil,
                errorRate = e.Profile.ErrorRate, penalty = e.Profile.Penalty,
            }).ToList();
        if (rows.Count == 0)
            return CommandReply.Failure($"nothing learned for {what}: it has not run any task (or the name is wrong)");
        var table = new TextTable(byWorker ? "WORKER" : "TYPE", "SCORE", "SAMPLES", "DURATION_MS", "CPU", "MEMORY", "IO", "ERROR_RATE", "PENALTY")
            .AddAll(rows.Select(r => new object?[] { byWorker ? r.worker : r.type, r.score, r.samples, r.durationMs, r.cpu, r.memory, r.io, r.errorRate, r.penalty }));
        return CommandReply.Success(table.ToString(), new { rows });
    }

    public static CommandReply Weights(ClusterViewSnapshot view, string? type)
    {
        var options = view.Affinity;
        var set = view.Model.Weights.IsDefault ? [] : view.Model.Weights.Select(w => w.Type).ToHashSet();
        var types = type is not null ? [new TaskType(type)]
            : view.Model.Profiles.Select(p => p.Type).Concat(options.WeightsByType.Keys).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var rows = types.Select(t => (Type: t.Name, Weights: options.WeightsFor(t),
                Source: set.Contains(t) ? "operator" : options.WeightsByType.ContainsKey(t) ? "config" : "default"))
            .Prepend((Type: "(default)", Weights: options.DefaultWeights, Source: "config")).ToList();
        var table = new TextTable("TYPE", "DURATION", "CPU", "MEMORY", "IO", "ERROR_RATE", "SOURCE")
            .AddAll(rows.Select(r => new object?[] { r.Type, r.Weights.Duration, r.Weights.Cpu, r.Weights.Memory, r.Weights.Io, r.Weights.ErrorRate, r.Source }));
        return CommandReply.Success(table.ToString(), new { weights = rows.Select(r => new { type = r.Type, weights = r.Weights, source = r.Source }) });
    }

    private async Task<CommandReply> SetWeights(ClusterViewSnapshot view, ParsedCommand command)
    {
        var usage = "usage: " + Spec.Find("weights")!.Usage("affinity");
        if (command.Get("task-type") is not { } name || !TaskType.IsValidName(name))
            return CommandReply.Failure("weights set needs a task type name (letters, digits, '.', '-', '_')", usage);
        var type = new TaskType(name);
        AffinityWeights? weights = null;
        if (!command.Has("reset"))
        {
            var current = view.Affinity.WeightsFor(type);
            double? W(string flag)
            {
                if (command.Get(flag) is not { } raw) return null;
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new FormatException($"--{flag} must be a number from 0 to 1, was '{raw}'");
            }
            try
            {
                if (WeightNames.All(n => command.Get(n) is null))
                    return CommandReply.Failure("weights set needs at least one of --duration, --cpu, --memory, --io, --error-rate (or --reset)", usage);
                weights = new AffinityWeights(W("duration") ?? current.Duration, W("cpu") ?? current.Cpu, W("memory") ?? current.Memory,
                    W("io") ?? current.Io, W("error-rate") ?? current.ErrorRate);
            }
            catch (FormatException e)
            {
                return CommandReply.Failure(e.Message, usage);
            }
            if (weights.Problems() is { Count: > 0 } problems)
                return CommandReply.Failure(string.Join("; ", problems), usage);
        }
        if (context.Find<PredictorKey>() is not { } predictor)
            return CommandReply.Failure(PaletteContext.NoPredictor);
        var answer = await predictor.Ask<object>(new SetWeights(type, weights), context.Timeout);
        return answer switch
        {
            WeightsSet ok => CommandReply.Success(ok.Weights is null
                    ? $"Weights of {name} reset to the configured ones (model version {ok.Version})"
                    : $"Weights of {name} set to duration={ok.Weights.Duration}, cpu={ok.Weights.Cpu}, memory={ok.Weights.Memory}, io={ok.Weights.Io}, error-rate={ok.Weights.ErrorRate} (model version {ok.Version})",
                new { type = name, weights = ok.Weights, version = ok.Version }),
            WeightsRejected no => CommandReply.Failure(no.Reason, usage),
            _ => CommandReply.Failure($"unexpected answer from the predictor: {answer.GetType().Name}"),
        };
    }
}
