using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Chains;

/// <summary>What applications and other actors say to a chain, and what it answers.</summary>
public static class ChainProtocol
{
    // ---- from applications (through task-router) ----

    /// <summary>Submit a graph of tasks. Acknowledged with <see cref="ChainAcknowledged"/> only once persisted.</summary>
    public sealed record SubmitChain(string ChainId, string AppId, ImmutableArray<TaskSpec> Tasks) : IWithChainId
    {
        /// <summary>
        /// Also watch the chain: the submitter is told <see cref="ChainFinished"/> when it ends, as after a
        /// <see cref="WatchChain"/>, which saves a second request per chain. Like a watch, held in memory only.
        /// </summary>
        public bool Watch { get; init; }

        /// <summary>
        /// The submitter (a client's inbox) also takes its answers in a <see cref="ChainReplies"/> with others:
        /// under load a node then sends one message for many answers to the same client.
        /// </summary>
        public bool Batched { get; init; }
    }

    /// <summary>Several submissions from one client in one message (each answered as if sent alone).</summary>
    public sealed record SubmitChains(ImmutableArray<SubmitChain> Chains) : ITaskAffinityMessage;

    /// <summary>Answers to several chains for one client inbox, in this order: acknowledgements, rejections, ends.</summary>
    public sealed record ChainReplies(ImmutableArray<ChainAcknowledged> Acknowledged, ImmutableArray<Rejected> Rejected, ImmutableArray<ChainFinished> Finished)
        : ITaskAffinityMessage
    {
        public IEnumerable<IWithChainId> All() =>
            (Acknowledged.IsDefault ? [] : Acknowledged.Cast<IWithChainId>())
            .Concat(Rejected.IsDefault ? [] : Rejected)
            .Concat(Finished.IsDefault ? [] : Finished);
    }

    public sealed record ChainAcknowledged(string ChainId, bool Duplicate) : IWithChainId;

    /// <summary>The submission was not accepted and nothing of it was persisted.</summary>
    public sealed record Rejected(string ChainId, ImmutableArray<ValidationProblem> Problems) : IWithChainId
    {
        public string Reason => string.Join("; ", Problems.Select(p => p.ToString()));
    }

    public sealed record GetChainStatus(string ChainId) : IWithChainId;

    /// <summary>Ask to be told when the chain finishes; answered at once if it already has.</summary>
    public sealed record WatchChain(string ChainId) : IWithChainId;

    public sealed record NotFound(string ChainId, string Reason) : IWithChainId;

    public sealed record ChainStatus(string ChainId, string AppId, ChainPhase Phase, ImmutableArray<TaskView> Tasks) : IWithChainId;

    public sealed record ChainFinished(string ChainId, ChainPhase Phase, ImmutableArray<TaskView> Tasks) : IWithChainId;

    /// <summary>One task as the chain sees it. Times in milliseconds: latency is from ready to outcome recorded.</summary>
    public sealed record TaskView(
        string TaskId, TaskType Type, TaskPhase Phase, int Attempts, string? WorkerId,
        string Output, string? Error, double RunMs, double LatencyMs)
    {
        /// <summary>Why the last placement of this task chose its worker (kept by the chain in memory; null after it restarts).</summary>
        public string? Explanation { get; init; }
    }

    // ---- between the chain, the scheduler and workers ----

    /// <summary>A worker finished running a task (successfully or not). Resent until <c>OutcomeRecorded</c>.</summary>
    public sealed record TaskFinished(string ChainId, string TaskId, int Attempt, string WorkerId, TaskOutcome Outcome) : IWithChainId;

    /// <summary>A worker's answer to a lease check: whether it still holds the task.</summary>
    public sealed record TaskLease(string ChainId, string TaskId, int Attempt, string WorkerId, bool Held) : IWithChainId;

    /// <summary>A worker gives a task back without running it (its slot went away, it is draining).</summary>
    public sealed record TaskReturned(string ChainId, string TaskId, int Attempt, string WorkerId, string Reason) : IWithChainId;

    /// <summary>The scheduler's answer to a placement request.</summary>
    public sealed record TaskPlaced(string ChainId, string TaskId, int Attempt, string WorkerId, Scheduling.PlacementExplanation Explanation) : IWithChainId;

    public sealed record PlacementFailed(string ChainId, string TaskId, int Attempt, string Reason) : IWithChainId;

    /// <summary>What the shard sends a chain to stop it during hand-off: it writes what it holds first.</summary>
    public sealed class StopChain
    {
        public static readonly StopChain Instance = new();
    }
}

public enum ChainPhase
{
    Running,
    Completed,
    Failed,
}

public enum TaskPhase
{
    Waiting,
    Ready,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
