using System.Collections.Immutable;
using TaskAffinity.Core.Affinity;
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
    long Completed, long Failed, WorkerToken Token, ImmutableDictionary<TaskType, TaskTypeProfile> Profiles) : IWithWorkerId
{
    public static WorkerState Empty(string workerId) =>
        new(workerId, "", ImmutableHashSet<TaskType>.Empty, ResourceVector.Zero, 0, 0, WorkerToken.Empty, ImmutableDictionary<TaskType, TaskTypeProfile>.Empty);

    /// <summary>This worker's learned profile per task type (absent in snapshots written before profiles existed).</summary>
    public ImmutableDictionary<TaskType, TaskTypeProfile> Profiles { get; init; } = Profiles ?? ImmutableDictionary<TaskType, TaskTypeProfile>.Empty;

    public TaskTypeProfile ProfileOf(TaskType type) => Profiles.GetValueOrDefault(type) ?? TaskTypeProfile.Empty;

    public bool IsRegistered => HostId.Length > 0;

    public bool RegistrationDiffers(WorkerProtocol.SlotOnline online) =>
        online.HostId != HostId || online.HostCapacity != HostCapacity || !online.ServedTypes.SetEquals(ServedTypes);

    public WorkerState Apply(IWorkerEvent e) => e switch
    {
        WorkerRegistered r => this with { HostId = r.HostId, ServedTypes = r.ServedTypes, HostCapacity = r.HostCapacity },
        _ => this,
    };

    /// <summary>
    /// Counts an outcome, folds it into the type's profile (predicted against actual duration included) and
    /// moves the token on: the type just run and how confidently it had been predicted.
    /// </summary>
    public WorkerState Record(TaskObservation observation, double predictedProbability, double halfLifeSamples) => this with
    {
        Completed = Completed + (observation.Failed ? 0 : 1),
        Failed = Failed + (observation.Failed ? 1 : 0),
        Token = new WorkerToken(observation.Type, predictedProbability),
        Profiles = Profiles.SetItem(observation.Type, ProfileOf(observation.Type).Observe(observation, halfLifeSamples)),
    };

    /// <summary>A refused prefetched task: the type's profile takes the penalty of a bad placement.</summary>
    public WorkerState RecordRefusal(TaskType type, double halfLifeSamples) => this with
    {
        Profiles = Profiles.SetItem(type, ProfileOf(type).Refused(halfLifeSamples)),
    };
}
