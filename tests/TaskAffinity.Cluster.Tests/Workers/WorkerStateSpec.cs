using System.Collections.Immutable;
using Akka.Actor;
using Shouldly;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Tests.Workers;

/// <summary>A worker's durable identity and totals, without actors.</summary>
public sealed class WorkerStateSpec
{
    private static readonly ResourceVector Capacity = new(8, 16384, 500, 1000, 1);
    private static readonly TaskType Create = "SnapshotCreate";
    private static readonly TaskType Copy = "SnapshotCopy";

    private static SlotOnline Online(string hostId = "host-a", ResourceVector? capacity = null, params TaskType[] types) =>
        new("host-a/0", hostId, types.Length == 0 ? [Create, Copy] : [.. types], capacity ?? Capacity, ActorRefs.Nobody);

    private static WorkerState Registered() =>
        WorkerState.Empty("host-a/0").Apply(new WorkerRegistered("host-a/0", "host-a", [Copy, Create], Capacity));

    private static bool Success => false;
    private static bool Failure => true;

    private static TaskObservation Ran(TaskType type, bool failed, double seconds = 1) =>
        new("host-a/0", type, TimeSpan.FromSeconds(seconds), new ResourceVector(2, 1024, 50, 0, 0), Capacity, failed);

    [Fact]
    public void An_empty_worker_is_not_registered()
    {
        var state = WorkerState.Empty("host-a/0");
        state.IsRegistered.ShouldBeFalse();
        state.WorkerId.ShouldBe("host-a/0");
        state.Token.ShouldBe(WorkerToken.Empty);
        state.Completed.ShouldBe(0);
        state.Failed.ShouldBe(0);
    }

    [Fact]
    public void Registration_sets_host_types_and_capacity()
    {
        var state = Registered();
        state.IsRegistered.ShouldBeTrue();
        state.HostId.ShouldBe("host-a");
        state.HostCapacity.ShouldBe(Capacity);
        state.ServedTypes.SetEquals([Create, Copy]).ShouldBeTrue();
    }

    [Fact]
    public void The_same_registration_in_another_order_does_not_differ()
    {
        Registered().RegistrationDiffers(Online(types: [Create, Copy])).ShouldBeFalse();
        Registered().RegistrationDiffers(Online(types: [Copy, Create])).ShouldBeFalse();
    }

    [Fact]
    public void A_registration_on_another_host_differs()
    {
        Registered().RegistrationDiffers(Online(hostId: "host-b")).ShouldBeTrue();
    }

    [Fact]
    public void A_registration_with_another_capacity_differs()
    {
        Registered().RegistrationDiffers(Online(capacity: Capacity with { MemoryMb = 8192 })).ShouldBeTrue();
    }

    [Fact]
    public void A_registration_serving_other_types_differs()
    {
        Registered().RegistrationDiffers(Online(types: [Create])).ShouldBeTrue();
        Registered().RegistrationDiffers(Online(types: [Create, Copy, "SnapshotDelete"])).ShouldBeTrue();
    }

    [Fact]
    public void An_unregistered_worker_differs_from_any_registration()
    {
        WorkerState.Empty("host-a/0").RegistrationDiffers(Online()).ShouldBeTrue();
    }

    [Fact]
    public void Recording_a_success_counts_it_and_moves_the_token_on()
    {
        var state = Registered() with { Token = new WorkerToken(Create, 0.5) };

        var after = state.Record(Ran(Copy, Success), 0.5, 20);

        after.Completed.ShouldBe(1);
        after.Failed.ShouldBe(0);
        after.Token.LastTaskType.ShouldBe(Copy);
        after.Token.PredictionConfidence.ShouldBe(0.5);
        after.HostId.ShouldBe("host-a");
    }

    [Fact]
    public void Recording_folds_the_run_into_the_type_profile()
    {
        var after = Registered().Record(Ran(Copy, Success, seconds: 2), 0.5, 20).Record(Ran(Copy, Success, seconds: 2), 0.5, 20);

        var profile = after.ProfileOf(Copy);
        profile.Samples.ShouldBe(2);
        profile.DurationMs.ShouldBe(2000, tolerance: 1e-6);
        profile.CpuUtil.ShouldBe(0.25, tolerance: 1e-6); // 2 of 8 cores
        after.ProfileOf(Create).Samples.ShouldBe(0);
    }

    [Fact]
    public void Recording_a_failure_counts_it_and_moves_the_token_on()
    {
        var after = Registered().Record(Ran(Copy, Success), 0.5, 20).Record(Ran(Create, Failure), 0.5, 20).Record(Ran(Create, Failure), 0.5, 20);

        after.Completed.ShouldBe(1);
        after.Failed.ShouldBe(2);
        after.Token.LastTaskType.ShouldBe(Create);
    }

    [Fact]
    public void Registering_again_keeps_the_totals()
    {
        var state = Registered().Record(Ran(Copy, Success), 0.5, 20).Record(Ran(Copy, Failure), 0.5, 20);

        var after = state.Apply(new WorkerRegistered("host-a/0", "host-b", ImmutableHashSet<TaskType>.Empty.Add(Copy), Capacity));

        after.HostId.ShouldBe("host-b");
        after.ServedTypes.ShouldBe([Copy]);
        after.Completed.ShouldBe(1);
        after.Failed.ShouldBe(1);
        after.Token.LastTaskType.ShouldBe(Copy);
    }
}
