using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>Knobs of the <see cref="SequencePredictor"/>, each with a default and a valid range (see <see cref="Problems"/>).</summary>
public sealed record PredictionOptions
{
    public const int MaxOrderLimit = 8;

    public static readonly PredictionOptions Default = new();

    /// <summary>Longest context of the Markov model, in task types. Valid 1..8.</summary>
    public int MaxOrder { get; init; } = 3;

    /// <summary>Half-life of every count, in observations: the model follows drift on this scale. Valid 10..1e9.</summary>
    public double DecayHalfLife { get; init; } = 5000;

    /// <summary>Half-life of the recent log-loss that weighs the two models against each other. Valid 10..1e6.</summary>
    public double LossHalfLife { get; init; } = 500;

    /// <summary>Everything wrong with these options, each message naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxOrder is < 1 or > MaxOrderLimit)
            problems.Add($"{nameof(MaxOrder)} must be 1..{MaxOrderLimit}, not {MaxOrder}");
        if (!(DecayHalfLife is >= 10 and <= 1e9))
            problems.Add($"{nameof(DecayHalfLife)} must be 10..1e9 observations, not {DecayHalfLife}");
        if (!(LossHalfLife is >= 10 and <= 1e6))
            problems.Add($"{nameof(LossHalfLife)} must be 10..1e6 observations, not {LossHalfLife}");
        return problems;
    }
}

/// <summary>
/// What is known when predicting the next task type: the chain's types so far (oldest first), the application,
/// the worker, the type the worker ran last, and the hour of day (0..23).
/// </summary>
public sealed record PredictionContext(ImmutableArray<TaskType> History, string? AppId, string? WorkerId,
    TaskType? WorkerLastType, int HourOfDay)
{
    /// <summary>A context with only a history (no app, worker or hour).</summary>
    public static PredictionContext Of(params TaskType[] history) => new([.. history], null, null, null, 0);
}

/// <summary>
/// How well the predictor has done, each prediction scored before the model learned from its outcome.
/// A type change is a step whose next type differs from the last type of the history.
/// </summary>
public sealed record PredictionStats(long Observations, double Top1Accuracy, long TypeChanges, double Top1OnChange, double RecentLogLoss)
{
    public static readonly PredictionStats Empty = new(0, 0, 0, 0, 0);
}
