using System.Collections.Immutable;
using Akka.Actor;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Workers;

/// <summary>Messages to and from a worker entity and the slot that executes its tasks.</summary>
public static class WorkerProtocol
{
    /// <summary>
    /// A slot announces itself (and keeps doing so, as a heartbeat) to its worker entity, with the task it is
    /// running, if any: an entity that restarted or moved learns from it what it must not hand out again.
    /// It repeats the last outcome it reported (<see cref="LastRan"/>): the report goes straight to the entity
    /// that sent the task, and one that stopped just then would otherwise lose it.
    /// </summary>
    public sealed record SlotOnline(string WorkerId, string HostId, ImmutableHashSet<TaskType> ServedTypes, ResourceVector HostCapacity, IActorRef Slot,
        TaskKey? Running = null, TaskRan? LastRan = null) : IWithWorkerId;

    /// <summary>
    /// The slot's node is leaving: the worker takes no new tasks, gives back those waiting in its buffer, and
    /// answers <see cref="WorkerDrained"/> to <see cref="ReplyTo"/> once its running task ended and every outcome is written.
    /// </summary>
    public sealed record DrainWorker(string WorkerId, IActorRef ReplyTo) : IWithWorkerId;

    public sealed record WorkerDrained(string WorkerId) : IWithWorkerId;

    /// <summary>Hand-off (the shard moves or its node leaves): give back waiting tasks, let written outcomes be acknowledged, then stop.</summary>
    internal sealed class StopWorker
    {
        public static readonly StopWorker Instance = new();
    }

    public sealed record SlotAcknowledged(string WorkerId) : IWithWorkerId;

    /// <summary>
    /// The scheduler places a task on this worker, with what it predicted: how likely this type was next for
    /// the worker, and how long it should take here (compared with the actual time as feedback). A busy worker
    /// holds it in its prefetch buffer. <see cref="Stage"/>: inputs of the chain's next tasks, expected on this
    /// host, for the worker to pass to its node's stager.
    /// </summary>
    public sealed record AssignTask(string WorkerId, string ChainId, string TaskId, int Attempt, TaskSpec Spec,
        string AppId = "", ImmutableArray<TaskType> History = default, double PredictedProbability = 0, double ExpectedDurationMs = 0,
        ImmutableArray<PrefetchCandidate> Stage = default) : IWithWorkerId
    {
        /// <summary>
        /// When the scheduler sent it. An assignment held up on its way (a shard region waiting for a new
        /// coordinator) may arrive after its chain placed the task again: the worker then drops it.
        /// </summary>
        public DateTimeOffset? IssuedAt { get; init; }

        /// <summary>
        /// The chain incarnation that asked for the placement: the outcome goes straight to it, not through the
        /// chain region (three mailboxes fewer per task). If it has stopped meanwhile, the outcome is lost there
        /// and the worker's resend, through the region, reaches the next incarnation.
        /// </summary>
        public IActorRef? Chain { get; init; }
    }

    /// <summary>
    /// The scheduler saw <see cref="ForWorker"/> idle while this worker has tasks waiting in its buffer: give
    /// back up to <see cref="Count"/> of the oldest of the given types, so they are placed again.
    /// </summary>
    public sealed record ReleaseBuffered(string WorkerId, string ForWorker, ImmutableHashSet<TaskType> Types, int Count) : IWithWorkerId;

    /// <summary>A chain checks its lease: does this worker still hold the task?</summary>
    public sealed record QueryTask(string WorkerId, string ChainId, string TaskId, int Attempt) : IWithWorkerId;

    /// <summary>The chain has persisted the outcome; the worker can stop resending it.</summary>
    public sealed record OutcomeRecorded(string WorkerId, string ChainId, string TaskId, int Attempt) : IWithWorkerId;

    /// <summary>
    /// The worker entity hands a task to its slot to execute: whether it came from the prefetch buffer (and may
    /// be refused), how long it waited there, and how many tasks still wait behind it.
    /// </summary>
    public sealed record RunTask(string WorkerId, string ChainId, string TaskId, int Attempt, TaskSpec Spec,
        bool Prefetched = false, double BufferedMs = 0, int Waiting = 0) : IWithWorkerId;

    /// <summary>The slot reports the outcome of running a task.</summary>
    public sealed record TaskRan(string WorkerId, string ChainId, string TaskId, int Attempt, TaskOutcome Outcome) : IWithWorkerId;

    public sealed record GetWorkerStatus(string WorkerId) : IWithWorkerId;

    /// <summary>Published on the workers topic whenever the worker's load changes, and periodically.</summary>
    public sealed record WorkerStatus(
        string WorkerId, string HostId, bool Online, ImmutableHashSet<TaskType> ServedTypes, ResourceVector HostCapacity,
        int Queued, int Running, WorkerToken Token, long Completed, long Failed) : IWithWorkerId
    {
        /// <summary>The worker entity that published this: schedulers assign to it directly while it lives (see SchedulerActor).</summary>
        public IActorRef? Entity { get; init; }
    }

    /// <summary>The Distributed Pub-Sub topic worker statuses are published on, at every change: for schedulers.</summary>
    public const string StatusTopic = "taskaffinity.workers";

    /// <summary>
    /// Where operators' views (every node's, clients' too) hear of workers: each heartbeat and whenever a worker
    /// goes on or off line, not at every task. A view on a client process had cost every task two remote messages.
    /// </summary>
    public const string ViewTopic = "taskaffinity.workers.view";
}

/// <summary>Identifies one run of a task: chain, task and attempt. Deliveries are deduplicated by it.</summary>
public readonly record struct TaskKey(string ChainId, string TaskId, int Attempt)
{
    public override string ToString() => $"{ChainId}/{TaskId}#{Attempt}";
}
