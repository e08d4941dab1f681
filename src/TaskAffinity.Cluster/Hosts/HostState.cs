using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Hosts.HostProtocol;

namespace TaskAffinity.Cluster.Hosts;

public interface IHostEvent : IWithHostId;

public sealed record HostRegistered(string HostId, string NodeAddress, ResourceVector Capacity, int Slots,
    ImmutableHashSet<TaskType> ServedTypes, DateTimeOffset At) : IHostEvent;

/// <summary>A host's durable state: what it offers and where it is in its lifecycle.</summary>
public sealed record HostState(string HostId, string NodeAddress, ResourceVector Capacity, int Slots,
    ImmutableHashSet<TaskType> ServedTypes, HostLifecycle Lifecycle, DateTimeOffset RegisteredAt) : IWithHostId
{
    public static HostState Empty(string hostId) =>
        new(hostId, "", ResourceVector.Zero, 0, ImmutableHashSet<TaskType>.Empty, HostLifecycle.Unknown, default);

    public bool IsRegistered => Lifecycle != HostLifecycle.Unknown;

    /// <summary>A registration is persisted only when it says something new; a node restart with the same shape writes nothing.</summary>
    public IReadOnlyList<IHostEvent> DecideRegister(RegisterHost r, DateTimeOffset now) =>
        IsRegistered && r.NodeAddress == NodeAddress && r.Capacity == Capacity && r.Slots == Slots && r.ServedTypes.SetEquals(ServedTypes)
            ? []
            : [new HostRegistered(r.HostId, r.NodeAddress, r.Capacity, r.Slots, r.ServedTypes, now)];

    public HostState Apply(IHostEvent e) => e switch
    {
        HostRegistered r => this with
        {
            NodeAddress = r.NodeAddress, Capacity = r.Capacity, Slots = r.Slots, ServedTypes = r.ServedTypes,
            Lifecycle = HostLifecycle.Ready, RegisteredAt = r.At,
        },
        _ => this,
    };

    public HostStatus ToStatus() => new(HostId, NodeAddress, Capacity, Slots, ServedTypes, Lifecycle, RegisteredAt);
}
