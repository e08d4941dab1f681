using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>Messages the node's scheduler takes besides the chain submissions and queries it routes.</summary>
public static class SchedulerProtocol
{
    /// <summary>A chain asks for a ready task to be placed; answered with TaskPlaced or PlacementFailed.</summary>
    public sealed record PlaceTask(string ChainId, string TaskId, int Attempt, TaskSpec Spec) : IWithChainId;
}
