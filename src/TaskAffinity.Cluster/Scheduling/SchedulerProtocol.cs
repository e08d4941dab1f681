using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>Messages the node's scheduler takes besides the chain submissions and queries it routes.</summary>
public static class SchedulerProtocol
{
    /// <summary>
    /// A chain asks for a ready task to be placed; answered with TaskPlaced or PlacementFailed. The app and the
    /// types that led to this task in the chain travel with it, for the models.
    /// </summary>
    public sealed record PlaceTask(string ChainId, string TaskId, int Attempt, TaskSpec Spec, string AppId = "", ImmutableArray<TaskType> History = default) : IWithChainId;

    /// <summary>Asks a scheduler what it knows of the workers (readiness checks, operators).</summary>
    public sealed record GetSchedulerStatus : ITaskAffinityMessage
    {
        public static readonly GetSchedulerStatus Instance = new();
    }

    public sealed record SchedulerStatus(string Policy, int WorkersKnown, int WorkersOnline, ImmutableArray<TaskType> ServedTypes) : ITaskAffinityMessage;
}
