using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Affinity;

/// <summary>The knobs of affinity learning, each with its default and valid range (checked by <see cref="Problems"/>).</summary>
public sealed record AffinityOptions
{
    public const double MinHalfLife = 1, MaxHalfLife = 10_000;
    public const double MaxExplorationShare = 0.5;

    /// <summary>EWMA half-life in samples (valid 1..10,000): how many newer runs halve an old run's weight.</summary>
    public double HalfLifeSamples { get; init; } = 20;

    public AffinityWeights DefaultWeights { get; init; } = AffinityWeights.Default;

    /// <summary>Per-type weights (e.g. duration only for a latency-critical type); others use <see cref="DefaultWeights"/>.</summary>
    public ImmutableDictionary<TaskType, AffinityWeights> WeightsByType { get; init; } =
        ImmutableDictionary<TaskType, AffinityWeights>.Empty;

    /// <summary>Share of placements (valid 0..0.5) that try the least-observed worker instead of the best one.</summary>
    public double ExplorationShare { get; init; } = 0.05;

    public AffinityWeights WeightsFor(TaskType type) =>
        WeightsByType.TryGetValue(type, out var weights) ? weights : DefaultWeights;

    /// <summary>Every out-of-range knob, each message naming it; empty when the options are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!double.IsFinite(HalfLifeSamples) || HalfLifeSamples < MinHalfLife || HalfLifeSamples > MaxHalfLife)
            problems.Add($"halfLifeSamples must be in [{MinHalfLife}, {MaxHalfLife}], was {HalfLifeSamples}");
        if (!double.IsFinite(ExplorationShare) || ExplorationShare < 0 || ExplorationShare > MaxExplorationShare)
            problems.Add($"explorationShare must be in [0, {MaxExplorationShare}], was {ExplorationShare}");
        problems.AddRange(DefaultWeights.Problems().Select(p => $"defaultWeights.{p}"));
        foreach (var (type, weights) in WeightsByType.OrderBy(kv => kv.Key.Name, StringComparer.Ordinal))
            problems.AddRange(weights.Problems().Select(p => $"weights.{type.Name}.{p}"));
        return problems;
    }
}
