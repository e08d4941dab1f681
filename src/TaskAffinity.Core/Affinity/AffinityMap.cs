using System.Collections.Immutable;
using MathNet.Numerics.Statistics;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Affinity;

/// <summary>
/// The immutable worker × task type view that schedulers hold: a score in [0, 1] for every pair that has run
/// (see <see cref="AffinityScorer"/> for the formula), and a prior for the pairs that have not.
/// </summary>
/// <remarks>
/// Prior choice: the <b>median</b> score of the workers that have run the type. A worker that has not run it
/// is assumed typical — neither the best (which would send it work ahead of proven workers) nor the worst
/// (which would keep it from ever being chosen outside exploration) — and the median, unlike the mean, is
/// not dragged by one penalised worker. A type nobody has run has the neutral prior 0.5 for every worker.
/// </remarks>
public sealed class AffinityMap
{
    public const double NeutralPrior = 0.5;

    public static readonly AffinityMap Empty = Build([], new AffinityOptions());

    private readonly Dictionary<TaskType, TypeView> _types;

    private AffinityMap(ImmutableArray<ProfileEntry> entries, AffinityOptions options, Dictionary<TaskType, TypeView> types)
    {
        Entries = entries;
        Options = options;
        _types = types;
        TypicalDurationMs = types.Count == 0 ? null : types.Values.Select(v => v.MeanDurationMs).Mean();
    }

    /// <summary>Profiles with at least one sample, ordered by type then worker (ordinal).</summary>
    public ImmutableArray<ProfileEntry> Entries { get; }

    public AffinityOptions Options { get; }

    /// <summary>
    /// Builds the map from profiles. Empty profiles are ignored; when a pair appears twice, the later entry wins
    /// (a newer snapshot overrides an older one).
    /// </summary>
    public static AffinityMap Build(IEnumerable<ProfileEntry> profiles, AffinityOptions options)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(options);
        var latest = new Dictionary<(string, TaskType), ProfileEntry>();
        foreach (var entry in profiles)
        {
            if (entry.Profile.Samples > 0)
                latest[(entry.WorkerId, entry.Type)] = entry;
        }

        var entries = latest.Values
            .OrderBy(e => e.Type.Name, StringComparer.Ordinal).ThenBy(e => e.WorkerId, StringComparer.Ordinal)
            .ToImmutableArray();
        var types = new Dictionary<TaskType, TypeView>();
        foreach (var group in entries.GroupBy(e => e.Type))
        {
            var sameType = group.ToList();
            var scores = AffinityScorer.Score(sameType, options.WeightsFor(group.Key));
            var profilesByWorker = sameType.ToDictionary(e => e.WorkerId, e => e.Profile, StringComparer.Ordinal);
            var prior = scores.Values.Median();
            var meanDuration = sameType.Select(e => e.Profile.DurationMs).Mean();
            types[group.Key] = new TypeView(scores, profilesByWorker, prior, meanDuration);
        }
        return new AffinityMap(entries, options, types);
    }

    /// <summary>The pair's score in [0, 1]; <see cref="Prior"/> of the type when the worker has not run it.</summary>
    public double Score(string workerId, TaskType type) =>
        _types.TryGetValue(type, out var view) && view.Scores.TryGetValue(workerId, out var score) ? score : Prior(type);

    /// <summary>The type's scores and sample counts, looked up once for a decision over many workers.</summary>
    public TypeScores ForType(TaskType type) =>
        _types.TryGetValue(type, out var view) ? new TypeScores(view.Scores, view.Profiles, view.Prior) : new TypeScores(null, null, NeutralPrior);

    /// <summary>Cluster-wide prior of the type: median score of the workers that ran it, else <see cref="NeutralPrior"/>.</summary>
    public double Prior(TaskType type) => _types.TryGetValue(type, out var view) ? view.Prior : NeutralPrior;

    public TaskTypeProfile? Profile(string workerId, TaskType type) =>
        _types.TryGetValue(type, out var view) && view.Profiles.TryGetValue(workerId, out var profile) ? profile : null;

    public bool Knows(string workerId, TaskType type) => Profile(workerId, type) is not null;

    /// <summary>How many runs of the type the worker has shown (0 for an unseen pair).</summary>
    public long Samples(string workerId, TaskType type) => Profile(workerId, type)?.Samples ?? 0;

    /// <summary>
    /// One duration for the type, the plain mean of its per-worker EWMA durations (each worker counts once, so
    /// a busy worker does not dominate); null when nobody has run it.
    /// </summary>
    public double? MeanDurationMs(TaskType type) => _types.TryGetValue(type, out var view) ? view.MeanDurationMs : null;

    /// <summary>Mean of <see cref="MeanDurationMs"/> over all known types: a typical task; null when nothing is known.</summary>
    public double? TypicalDurationMs { get; }

    private sealed record TypeView(
        Dictionary<string, double> Scores,
        Dictionary<string, TaskTypeProfile> Profiles,
        double Prior,
        double MeanDurationMs);
}

/// <summary>One task type's slice of an <see cref="AffinityMap"/>: score and samples per worker, the prior for the rest.</summary>
public readonly struct TypeScores
{
    private readonly Dictionary<string, double>? _scores;
    private readonly Dictionary<string, TaskTypeProfile>? _profiles;

    internal TypeScores(Dictionary<string, double>? scores, Dictionary<string, TaskTypeProfile>? profiles, double prior) =>
        (_scores, _profiles, Prior) = (scores, profiles, prior);

    public double Prior { get; }

    public double Score(string workerId) => _scores is not null && _scores.TryGetValue(workerId, out var s) ? s : Prior;

    public long Samples(string workerId) => _profiles is not null && _profiles.TryGetValue(workerId, out var p) ? p.Samples : 0;
}
