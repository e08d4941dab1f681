using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Workers;

/// <summary>
/// One worker slot's durable identity and its queue. Tasks are queued in memory: the chain that owns a task
/// holds a lease on it and places it again if this worker loses it, so the queue needs no journal writes.
/// The slot that executes tasks lives on its host's node; this entity may live anywhere.
/// </summary>
internal sealed class WorkerEntity : ReceivePersistentActor, IWithTimers
{
    private const string ResendTimer = "resend-outcomes";
    private const string StatusTimer = "publish-status";
    private const int RecentlyDoneCapacity = 4096;

    private readonly TaskAffinitySettings _settings;
    private readonly Func<IActorRef> _chainRegion;
    private IActorRef Chains => _chainRegion();
    private readonly IActorRef _mediator;
    private readonly Func<IActorRef> _predictor;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private WorkerState _state;
    private IActorRef? _slot;
    private readonly LinkedList<AssignTask> _queue = new();
    private (TaskKey Key, AssignTask Task)? _running;
    private readonly Dictionary<TaskKey, TaskFinished> _unrecorded = new();
    private readonly RecentKeys _recentlyDone = new(RecentlyDoneCapacity);
    private int _outcomesSinceSnapshot;

    public WorkerEntity(string workerId, TaskAffinitySettings settings, Func<IActorRef> chains, IActorRef mediator, Func<IActorRef> predictor)
    {
        _predictor = predictor;
        _settings = settings;
        _chainRegion = chains;
        _mediator = mediator;
        _state = WorkerState.Empty(workerId);
        PersistenceId = $"worker-{workerId}";

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is WorkerState s) _state = s; });
        Recover<IWorkerEvent>(e => _state = _state.Apply(e));

        Command<SlotOnline>(OnSlotOnline);
        Command<AssignTask>(OnAssign);
        Command<TaskRan>(OnTaskRan);
        Command<OutcomeRecorded>(OnOutcomeRecorded);
        Command<QueryTask>(OnQuery);
        Command<GetWorkerStatus>(_ => Sender.Tell(Status()));
        Command<Terminated>(t => { if (t.ActorRef.Equals(_slot)) SlotLost(); });
        Command<ResendTick>(_ => ResendUnrecorded());
        Command<StatusTick>(_ => Publish());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Worker {0}: snapshot failed", _state.WorkerId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(ResendTimer, ResendTick.Instance, _settings.OutcomeResendInterval);
        Timers.StartPeriodicTimer(StatusTimer, StatusTick.Instance, _settings.SlotHeartbeat);
        base.PreStart();
    }

    // ---- slot lifecycle ----

    private void OnSlotOnline(SlotOnline online)
    {
        if (!online.Slot.Equals(_slot))
        {
            if (_slot is not null) Context.Unwatch(_slot);
            _slot = online.Slot;
            Context.Watch(_slot);
            _log.Info("Worker {0}: slot online at {1}", _state.WorkerId, _slot.Path);
        }
        Sender.Tell(new SlotAcknowledged(_state.WorkerId));
        if (!_state.IsRegistered || _state.RegistrationDiffers(online))
        {
            Persist(new WorkerRegistered(online.WorkerId, online.HostId, online.ServedTypes, online.HostCapacity), e =>
            {
                _state = _state.Apply(e);
                Publish();
                RunNext();
            });
            return;
        }
        RunNext();
    }

    /// <summary>The slot's node is gone: give every task back to its chain so it runs elsewhere.</summary>
    private void SlotLost()
    {
        _log.Warning("Worker {0}: slot lost, returning {1} tasks to their chains", _state.WorkerId, _queue.Count + (_running is null ? 0 : 1));
        _slot = null;
        if (_running is { } running)
            Return(running.Task, "the worker's slot went offline while running it");
        foreach (var queued in _queue)
            Return(queued, "the worker's slot went offline");
        _running = null;
        _queue.Clear();
        Publish();
    }

    private void Return(AssignTask task, string reason) =>
        Chains.Tell(new TaskReturned(task.ChainId, task.TaskId, task.Attempt, _state.WorkerId, reason));

    // ---- tasks ----

    private void OnAssign(AssignTask assign)
    {
        var key = new TaskKey(assign.ChainId, assign.TaskId, assign.Attempt);
        if (_unrecorded.TryGetValue(key, out var finished))
        {
            Chains.Tell(finished); // ran already; the chain lost our report
            return;
        }
        if (Holds(key) || _recentlyDone.Contains(key))
            return; // a redelivery of a task we have or just finished: never run it twice here
        if (_slot is null)
        {
            Return(assign, "the worker's slot is offline");
            return;
        }
        _queue.AddLast(assign);
        RunNext();
        Publish();
    }

    private bool Holds(TaskKey key) =>
        _running?.Key == key || _queue.Any(t => t.ChainId == key.ChainId && t.TaskId == key.TaskId && t.Attempt == key.Attempt);

    private void RunNext()
    {
        if (_running is not null || _slot is null || _queue.First is null)
            return;
        var next = _queue.First.Value;
        _queue.RemoveFirst();
        _running = (new TaskKey(next.ChainId, next.TaskId, next.Attempt), next);
        _slot.Tell(new RunTask(_state.WorkerId, next.ChainId, next.TaskId, next.Attempt, next.Spec));
    }

    private void OnTaskRan(TaskRan ran)
    {
        var key = new TaskKey(ran.ChainId, ran.TaskId, ran.Attempt);
        var assigned = _running?.Key == key ? _running.Value.Task : null;
        if (assigned is not null)
            _running = null;

        // Reported even if we did not know we were running it (this entity restarted meanwhile): it is a real outcome.
        var finished = new TaskFinished(ran.ChainId, ran.TaskId, ran.Attempt, _state.WorkerId, ran.Outcome);
        _unrecorded[key] = finished;
        Chains.Tell(finished);

        if (assigned is not null)
            Learn(assigned, ran.Outcome);
        RunNext();
        Publish();
    }

    /// <summary>Folds the outcome into this worker's profile and token, and tells the predictor.</summary>
    private void Learn(AssignTask task, TaskOutcome outcome)
    {
        var lastType = _state.Token.LastTaskType;
        var observation = new TaskObservation(_state.WorkerId, task.Spec.Type, outcome.Duration, outcome.ResourcesUsed, _state.HostCapacity,
            !outcome.Succeeded, task.ExpectedDurationMs > 0 ? TimeSpan.FromMilliseconds(task.ExpectedDurationMs) : null);
        _state = _state.Record(observation, task.PredictedProbability, _settings.Affinity.HalfLifeSamples);
        _predictor().Tell(new TaskObserved(_state.WorkerId, task.ChainId, task.AppId, task.Spec.Type,
            task.History.IsDefault ? [] : task.History, lastType, _state.ProfileOf(task.Spec.Type),
            outcome.Duration.TotalMilliseconds, task.ExpectedDurationMs, task.Spec.InputBytes, !outcome.Succeeded, DateTimeOffset.UtcNow));
        if (++_outcomesSinceSnapshot < _settings.WorkerSnapshotEvery) return;
        _outcomesSinceSnapshot = 0;
        SaveSnapshot(_state);
    }

    private void OnOutcomeRecorded(OutcomeRecorded recorded)
    {
        var key = new TaskKey(recorded.ChainId, recorded.TaskId, recorded.Attempt);
        if (_unrecorded.Remove(key))
            _recentlyDone.Add(key);
    }

    private void ResendUnrecorded()
    {
        foreach (var finished in _unrecorded.Values)
            Chains.Tell(finished);
    }

    private void OnQuery(QueryTask query)
    {
        var key = new TaskKey(query.ChainId, query.TaskId, query.Attempt);
        if (_unrecorded.TryGetValue(key, out var finished))
            Chains.Tell(finished);
        var held = Holds(key) || _unrecorded.ContainsKey(key);
        Chains.Tell(new TaskLease(query.ChainId, query.TaskId, query.Attempt, _state.WorkerId, held));
    }

    // ---- status ----

    private WorkerStatus Status() => new(
        _state.WorkerId, _state.HostId, _slot is not null, _state.ServedTypes, _state.HostCapacity,
        _queue.Count, _running is null ? 0 : 1, _state.Token, _state.Completed, _state.Failed);

    private void Publish()
    {
        if (_state.IsRegistered)
            _mediator.Tell(new Publish(StatusTopic, Status()));
    }

    private sealed class ResendTick
    {
        public static readonly ResendTick Instance = new();
    }

    private sealed class StatusTick
    {
        public static readonly StatusTick Instance = new();
    }
}
