using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>predictor</c> palette: the sequence model's size and accuracy, its next-type distribution, the frequent chains.</summary>
public sealed class PredictorPalette(PaletteContext context) : IPalette
{
    public PaletteSpec Spec { get; } = PaletteSpec.Of("predictor", "the sequence model: show, next, chains",
        CommandSpec.Of("show", "model size, top-1 accuracy overall and on type changes"),
        CommandSpec.Of("next", "the distribution of the next task type after a history",
            new ArgSpec("history", "comma-separated task types, oldest first, e.g. Create,Copy", IsFlag: true, Required: true),
            new ArgSpec("app", "application id", IsFlag: true), new ArgSpec("worker", "worker id", IsFlag: true),
            new ArgSpec("last-type", "the worker's previous task type", IsFlag: true), new ArgSpec("hour", "hour of day 0..23", IsFlag: true)),
        CommandSpec.Of("chains", "the most frequent chains of task types, with scores",
            new ArgSpec("top", "how many (default 10, at most 100)", IsFlag: true), new ArgSpec("max-length", "longest chain (default 6, at most 20)", IsFlag: true)));

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        if (command.Command == "show")
            return Show(await context.ViewAsync());
        if (context.Find<PredictorKey>() is not { } predictor)
            return CommandReply.Failure(PaletteContext.NoPredictor);
        var usage = "usage: " + Spec.Find(command.Command)!.Usage("predictor");
        if (command.Command == "next")
        {
            var history = command.Get("history")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (history.FirstOrDefault(h => !TaskType.IsValidName(h)) is { } bad)
                return CommandReply.Failure($"'{bad}' in --history is not a task type name", usage);
            if (!TryInt(command.Get("hour"), 0, 23, 0, out var hour))
                return CommandReply.Failure("--hour must be a whole number from 0 to 23", usage);
            var lastType = command.Get("last-type") is { } lt ? new TaskType(lt) : (TaskType?)null;
            var context1 = new PredictionContext([.. history.Select(h => new TaskType(h))], command.Get("app"), command.Get("worker"), lastType, hour);
            var next = await predictor.Ask<NextPrediction>(new PredictNext(context1), context.Timeout);
            return Next(next.Distribution);
        }
        if (!TryInt(command.Get("top"), 1, 100, 10, out var top) || !TryInt(command.Get("max-length"), 2, 20, 6, out var maxLength))
            return CommandReply.Failure("--top must be 1..100 and --max-length 2..20", usage);
        var chains = await predictor.Ask<FrequentChains>(new GetFrequentChains(top, maxLength), context.Timeout);
        return Chains(chains.Chains);
    }

    public static CommandReply Show(ClusterViewSnapshot view)
    {
        var m = view.Model;
        var s = m.Stats;
        var facts = new (string Key, object? Value)[]
        {
            ("model version", m.Version), ("observations", s.Observations),
            ("top-1 accuracy", TextTable.Percent(s.Observations > 0 ? s.Top1Accuracy : null)),
            ("type changes", s.TypeChanges), ("top-1 on type change", TextTable.Percent(s.TypeChanges > 0 ? s.Top1OnChange : null)),
            ("recent log loss", s.RecentLogLoss), ("profiles (worker × type)", m.Profiles.Length),
            ("task types", m.Profiles.Select(p => p.Type).Distinct().Count()),
        };
        var table = new TextTable("MODEL", "VALUE").AddAll(facts.Select(f => new[] { f.Key, f.Value }));
        return CommandReply.Success(table.ToString(), new
        {
            version = m.Version, observations = s.Observations, top1 = s.Top1Accuracy, typeChanges = s.TypeChanges,
            top1OnChange = s.Top1OnChange, recentLogLoss = s.RecentLogLoss, profiles = m.Profiles.Length,
        });
    }

    public static CommandReply Next(NextTypeDistribution d)
    {
        var rows = d.Probabilities.IsDefault ? [] : d.Probabilities.Select(p => new { type = p.Type.Name, p = Math.Round(p.Probability, 4) }).ToList();
        var text = rows.Count == 0 ? "No prediction: the model has seen nothing like this history."
            : new TextTable("NEXT_TYPE", "P").AddAll(rows.Select(r => new object?[] { r.type, r.p })) + $"\nConfidence: {d.Confidence.ToString("0.###", CultureInfo.InvariantCulture)}";
        return CommandReply.Success(text, new { next = rows, confidence = d.Confidence });
    }

    public static CommandReply Chains(ImmutableArray<FrequentChain> chains)
    {
        var rows = chains.IsDefault ? [] : chains.Select(c => new { chain = string.Join(" -> ", c.Types.Select(t => t.Name)), frequency = Math.Round(c.Frequency, 3), score = Math.Round(c.Score, 4) }).ToList();
        var text = rows.Count == 0 ? "No chains seen yet."
            : new TextTable("CHAIN", "FREQUENCY", "SCORE").AddAll(rows.Select(r => new object?[] { r.chain, r.frequency, r.score })).ToString();
        return CommandReply.Success(text, new { chains = rows });
    }

    private static bool TryInt(string? raw, int min, int max, int fallback, out int value)
    {
        value = fallback;
        return raw is null || (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }
}
