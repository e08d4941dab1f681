using System.Collections.Immutable;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>Messages the node's scheduler takes besides the chain submissions and queries it routes.</summary>
public static class SchedulerProtocol
{
    /// <summary>
    /// A chain asks for a ready task to be placed; answered with TaskPlaced or PlacementFailed (or, when every
    /// worker is full, held until one has room). The app and the types that led to this task in the chain travel
    /// with it, for the models; <see cref="Upcoming"/> are the tasks this one leads to in the chain, whose inputs
    /// can be staged where it goes; <see cref="AvoidWorker"/> is a worker that just gave it back;
    /// <see cref="PathAfter"/> are the types on the longest path after it in the chain, counted, which our line
    /// weighs (<see cref="CriticalPath"/>) when it has to wait.
    /// </summary>
    public sealed record PlaceTask(string ChainId, string TaskId, int Attempt, TaskSpec Spec, string AppId = "",
        ImmutableArray<TaskType> History = default, ImmutableArray<UpcomingTask> Upcoming = default, string? AvoidWorker = null,
        ImmutableArray<TypeCount> PathAfter = default) : IWithChainId;

    /// <summary>
    /// A chain is moving to another node (hand-off): forget its tasks waiting here, which its next incarnation
    /// places again, so they are not placed twice.
    /// </summary>
    public sealed record WithdrawChain(string ChainId) : ITaskAffinityMessage;

    /// <summary>A task that will become ready after <see cref="Steps"/> more tasks of its chain succeed.</summary>
    public sealed record UpcomingTask(TaskSpec Spec, int Steps);

    /// <summary>Asks a scheduler what it knows of the workers (readiness checks, operators).</summary>
    public sealed record GetSchedulerStatus : ITaskAffinityMessage
    {
        public static readonly GetSchedulerStatus Instance = new();
    }

    public sealed record SchedulerStatus(string Policy, int WorkersKnown, int WorkersOnline, ImmutableArray<TaskType> ServedTypes) : ITaskAffinityMessage
    {
        /// <summary>Ready tasks waiting here because every eligible worker was full.</summary>
        public int Waiting { get; init; }
    }
}
