using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Cluster.Hosts;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Hosts.HostProtocol;

namespace TaskAffinity.Cluster.Tests.Hosts;

/// <summary>A host's registration decisions and lifecycle, without actors.</summary>
public sealed class HostStateSpec
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ResourceVector Capacity = new(8, 16384, 500, 1000, 0);
    private const string Address = "akka.tcp://taskaffinity@10.0.0.2:4053";

    private static RegisterHost Register(string address = Address, ResourceVector? capacity = null, int slots = 4, params TaskType[] types) =>
        new("host-a", address, capacity ?? Capacity, slots, types.Length == 0 ? ["SnapshotCreate", "SnapshotCopy"] : [.. types]);

    private static HostState Registered() => Apply(HostState.Empty("host-a"), HostState.Empty("host-a").DecideRegister(Register(), Now));

    private static HostState Apply(HostState state, IEnumerable<IHostEvent> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    [Fact]
    public void An_empty_host_is_not_registered()
    {
        var state = HostState.Empty("host-a");
        state.IsRegistered.ShouldBeFalse();
        state.Lifecycle.ShouldBe(HostLifecycle.Unknown);
    }

    [Fact]
    public void The_first_registration_is_persisted()
    {
        var events = HostState.Empty("host-a").DecideRegister(Register(), Now);

        var registered = events.ShouldHaveSingleItem().ShouldBeOfType<HostRegistered>();
        registered.HostId.ShouldBe("host-a");
        registered.NodeAddress.ShouldBe(Address);
        registered.Capacity.ShouldBe(Capacity);
        registered.Slots.ShouldBe(4);
        registered.At.ShouldBe(Now);
        registered.ServedTypes.SetEquals(["SnapshotCreate", "SnapshotCopy"]).ShouldBeTrue();
    }

    [Fact]
    public void Applying_a_registration_makes_the_host_ready()
    {
        var state = Registered();

        state.IsRegistered.ShouldBeTrue();
        state.Lifecycle.ShouldBe(HostLifecycle.Ready);
        state.RegisteredAt.ShouldBe(Now);
        state.NodeAddress.ShouldBe(Address);
        state.Capacity.ShouldBe(Capacity);
        state.Slots.ShouldBe(4);
    }

    [Fact]
    public void The_same_registration_again_persists_nothing()
    {
        Registered().DecideRegister(Register(), Now.AddHours(1)).ShouldBeEmpty();
        Registered().DecideRegister(Register(types: ["SnapshotCopy", "SnapshotCreate"]), Now.AddHours(1)).ShouldBeEmpty();
    }

    [Fact]
    public void A_registration_that_changes_anything_is_persisted()
    {
        var state = Registered();
        state.DecideRegister(Register(address: "akka.tcp://taskaffinity@10.0.0.3:4053"), Now).Count.ShouldBe(1);
        state.DecideRegister(Register(capacity: Capacity with { Gpu = 1 }), Now).Count.ShouldBe(1);
        state.DecideRegister(Register(slots: 8), Now).Count.ShouldBe(1);
        state.DecideRegister(Register(types: ["SnapshotCreate"]), Now).Count.ShouldBe(1);
    }

    [Fact]
    public void A_changed_registration_updates_the_host_and_its_time()
    {
        var later = Now.AddDays(1);
        var state = Registered();

        var after = Apply(state, state.DecideRegister(Register(slots: 16, types: ["SnapshotDelete"]), later));

        after.Slots.ShouldBe(16);
        after.ServedTypes.ShouldBe(ImmutableHashSet.Create<TaskType>("SnapshotDelete"));
        after.RegisteredAt.ShouldBe(later);
        after.Lifecycle.ShouldBe(HostLifecycle.Ready);
    }

    [Fact]
    public void The_status_reports_the_registered_host()
    {
        var status = Registered().ToStatus();
        status.ShouldBe(new HostStatus("host-a", Address, Capacity, 4, status.ServedTypes, HostLifecycle.Ready, Now));
        status.ServedTypes.Count.ShouldBe(2);
    }
}
