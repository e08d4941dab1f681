using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Hosts;

/// <summary>Messages to and from a host entity.</summary>
public static class HostProtocol
{
    /// <summary>A node registers the host it runs on when it starts (repeated until acknowledged).</summary>
    public sealed record RegisterHost(string HostId, string NodeAddress, ResourceVector Capacity, int Slots, ImmutableHashSet<TaskType> ServedTypes) : IWithHostId;

    public sealed record HostRegistrationAcknowledged(string HostId) : IWithHostId;

    public sealed record GetHostStatus(string HostId) : IWithHostId;

    public sealed record HostStatus(string HostId, string NodeAddress, ResourceVector Capacity, int Slots,
        ImmutableHashSet<TaskType> ServedTypes, HostLifecycle Lifecycle, DateTimeOffset RegisteredAt) : IWithHostId;

    public sealed record HostNotFound(string HostId, string Reason) : IWithHostId;
}

/// <summary>Where a host is in its life. Provisioning and warming come with the planner; a registered host is Ready.</summary>
public enum HostLifecycle
{
    Unknown,
    Provisioning,
    Warming,
    Ready,
    Draining,
    Retired,
}
