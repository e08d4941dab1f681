using System.Collections.Immutable;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Prediction;

/// <summary>Messages to and from the predictor singleton.</summary>
public static class PredictorProtocol
{
    /// <summary>
    /// One task run, as a worker saw it: the worker's updated profile for the type, and the context the
    /// sequence models learn from (the chain's earlier types, the app, the worker's previous type).
    /// </summary>
    public sealed record TaskObserved(
        string WorkerId, string ChainId, string AppId, TaskType Type, ImmutableArray<TaskType> History,
        TaskType? WorkerLastType, TaskTypeProfile Profile, double DurationMs, double ExpectedDurationMs,
        long InputBytes, bool Failed, DateTimeOffset At) : ITaskAffinityMessage
    {
        /// <summary>
        /// The worker refused the task from its prefetch buffer: only the profile (its raised penalty) is
        /// learned; the task did not run, so the sequence models do not see it.
        /// </summary>
        public bool Refused { get; init; }
    }

    /// <summary>
    /// What schedulers decide with: every (worker, type) profile and the order-1 transition table.
    /// Published on <see cref="ModelTopic"/> whenever the model changed, at most once per publish interval.
    /// </summary>
    public sealed record ModelSnapshot(long Version, ImmutableArray<ProfileEntry> Profiles, TransitionTable Transitions, PredictionStats Stats) : ITaskAffinityMessage
    {
        public static readonly ModelSnapshot Empty = new(0, [], TransitionTable.Empty, new PredictionStats(0, 0, 0, 0, 0));

        /// <summary>Score weights an operator set per task type (<c>tactl affinity weights set</c>); they override the configured ones.</summary>
        public ImmutableArray<TypeWeights> Weights { get; init; } = [];

        /// <summary>The configured affinity options with the operator's weights laid over them.</summary>
        public AffinityOptions AffinityOptions(AffinityOptions configured) =>
            Weights.IsDefaultOrEmpty ? configured
                : configured with { WeightsByType = configured.WeightsByType.SetItems(Weights.Select(w => KeyValuePair.Create(w.Type, w.Weights))) };
    }

    public sealed record TypeWeights(TaskType Type, AffinityWeights Weights);

    /// <summary>An operator sets the affinity weights of a task type, cluster-wide; null goes back to the configured ones.</summary>
    public sealed record SetWeights(TaskType Type, AffinityWeights? Weights) : ITaskAffinityMessage;

    public sealed record WeightsSet(TaskType Type, AffinityWeights? Weights, long Version) : ITaskAffinityMessage;

    public sealed record WeightsRejected(TaskType Type, string Reason) : ITaskAffinityMessage;

    /// <summary>The most frequent chains of task types the predictor has seen, with their scores.</summary>
    public sealed record GetFrequentChains(int Top, int MaxLength) : ITaskAffinityMessage;

    public sealed record FrequentChains(ImmutableArray<FrequentChain> Chains) : ITaskAffinityMessage;

    public sealed record GetModel : ITaskAffinityMessage
    {
        public static readonly GetModel Instance = new();
    }

    /// <summary>The distribution of the next task type in a context (operators, tests).</summary>
    public sealed record PredictNext(PredictionContext Context) : ITaskAffinityMessage;

    public sealed record NextPrediction(NextTypeDistribution Distribution) : ITaskAffinityMessage;

    /// <summary>The predictor's persisted state: the models and the last profile of every pair.</summary>
    public sealed record PredictorState(long Version, ImmutableArray<ProfileEntry> Profiles, PredictorSnapshot Model) : ITaskAffinityMessage
    {
        public ImmutableArray<TypeWeights> Weights { get; init; } = [];
    }

    public const string ModelTopic = "taskaffinity.models";
}
