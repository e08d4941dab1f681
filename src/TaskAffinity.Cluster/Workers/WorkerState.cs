using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Workers;

public interface IWorkerEvent : IWithWorkerId;

/// <summary>Persisted when a slot first registers, or when what it offers changes.</summary>
public sealed record WorkerRegistered(string WorkerId, string HostId, ImmutableHashSet<TaskType> ServedTypes, ResourceVector HostCapacity) : IWorkerEvent;

/// <summary>
/// The durable part of a worker: who it is and its running totals. Totals change with every task, so they are
/// kept by snapshots only (every few dozen outcomes), not an event per task: losing the last few counts in a
/// crash is harmless, an extra write per task is not.
/// </summary>
public sealed record WorkerState(
    string WorkerId, string HostId, ImmutableHashSet<TaskType> ServedTypes, ResourceVector HostCapacity,
    long Completed, long Failed, WorkerToken Token) : IWithWorkerId
{
    public static WorkerState Empty(string workerId) =>
        new(workerId, "", ImmutableHashSet<TaskType>.Empty, ResourceVector.Zero, 0, 0, WorkerToken.Empty);

    public bool IsRegistered => HostId.Length > 0;

    public bool RegistrationDiffers(WorkerProtocol.SlotOnline online) =>
        online.HostId != HostId || online.HostCapacity != HostCapacity || !online.ServedTypes.SetEquals(ServedTypes);

    public WorkerState Apply(IWorkerEvent e) => e switch
    {
        WorkerRegistered r => this with { HostId = r.HostId, ServedTypes = r.ServedTypes, HostCapacity = r.HostCapacity },
        _ => this,
    };

    /// <summary>Counts an outcome and moves the token on to the type just run.</summary>
    public WorkerState Record(TaskType type, TaskOutcome outcome) => this with
    {
        Completed = Completed + (outcome.Succeeded ? 1 : 0),
        Failed = Failed + (outcome.Succeeded ? 0 : 1),
        Token = Token with { LastTaskType = type },
    };
}
