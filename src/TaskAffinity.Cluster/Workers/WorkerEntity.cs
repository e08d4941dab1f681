using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Workers;

/// <summary>
/// One worker slot's durable identity and the tasks it holds. Tasks are held in memory: the chain that owns a
/// task holds a lease on it and places it again if this worker loses it, so holding needs no journal writes.
/// The slot that executes tasks lives on its host's node; this entity may live anywhere.
/// </summary>
/// <remarks>
/// A task assigned while the worker is busy waits in its <see cref="PrefetchBuffer{T}"/> (bounded), and its
/// inputs are staged on the slot's node meanwhile; the worker takes from the buffer first. A buffered task goes
/// back to its chain, to be placed again, when it has waited longer than the max buffer time or when the
/// scheduler asks for it on behalf of an idle worker: it leaves the buffer before the chain hears of it, so it
/// never runs here as well. Tasks assigned while the buffer is full (two schedulers raced, or a status was
/// late) wait behind it in arrival order and move into the buffer as it empties: nothing assigned is refused.
/// </remarks>
internal sealed partial class WorkerEntity : ReceivePersistentActor, IWithTimers
{
    private const string ResendTimer = "resend-outcomes";
    private const string StatusTimer = "publish-status";
    private const string BufferTimer = "buffer-check";
    private const string SlotGraceTimer = "slot-grace";
    private const int RecentlyDoneCapacity = 4096;

    private readonly TaskAffinitySettings _settings;
    private readonly Func<IActorRef> _chainRegion;
    private IActorRef Chains => _chainRegion();
    private readonly IActorRef _mediator;
    private readonly Func<IActorRef> _predictor;
    private readonly PrefetchMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private WorkerState _state;
    private IActorRef? _slot;
    private readonly PrefetchBuffer<AssignTask> _buffer;
    private readonly LinkedList<AssignTask> _overflow = new();
    private (TaskKey Key, AssignTask? Task)? _running; // Task is null when only the slot's announcement told us
    private readonly List<(QueryTask Query, IActorRef Asker)> _earlyQueries = []; // asked before the slot announced itself
    private IActorRef? _drainReplyTo;
    private bool _stopping;
    private readonly Dictionary<TaskKey, TaskFinished> _unrecorded = new();
    private readonly RecentKeys _recentlyDone = new(RecentlyDoneCapacity);
    private readonly RecentKeys _disowned = new(RecentlyDoneCapacity); // told the chain "not held", and when
    private int _outcomesSinceSnapshot;
    private DateTimeOffset _lastSnapshot;
    private bool _publishQueued;
    private bool? _viewOnline; // as last published to the view topic

    public WorkerEntity(string workerId, TaskAffinitySettings settings, Func<IActorRef> chains, IActorRef mediator, Func<IActorRef> predictor,
        PrefetchMetrics metrics, TimeProvider clock)
    {
        _metrics = metrics;
        _clock = clock;
        _buffer = new PrefetchBuffer<AssignTask>(settings.Prefetch.EffectiveBufferSize);
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
        Command<ReleaseBuffered>(OnRelease);
        Command<BufferTick>(_ => ReturnExpired());
        Command<GetWorkerStatus>(_ => Sender.Tell(Status()));
        Command<DrainWorker>(OnDrain);
        Command<StopWorker>(_ => OnStop());
        Command<SlotGraceTick>(_ => AnswerEarlyQueries());
        Command<Terminated>(t => { if (t.ActorRef.Equals(_slot)) SlotLost(); });
        Command<ResendTick>(_ => ResendUnrecorded());
        Command<StatusTick>(_ => PublishNow(heartbeat: true));
        Command<PublishQueued>(_ => PublishNow());
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
        // Until its slot announces itself (every heartbeat), this incarnation cannot know what the slot runs.
        Timers.StartSingleTimer(SlotGraceTimer, SlotGraceTick.Instance, _settings.SlotHeartbeat * 2);
        if (_buffer.Capacity > 0)
        {
            var every = TimeSpan.FromTicks(Math.Max(_settings.Prefetch.MaxBufferTime.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
            Timers.StartPeriodicTimer(BufferTimer, BufferTick.Instance, every);
        }
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
        if (online.LastRan is { } last && !Reported(new TaskKey(last.ChainId, last.TaskId, last.Attempt)))
            OnTaskRan(last); // sent to an incarnation that stopped before reading it
        if (_running is null && online.Running is { } key && !Reported(key))
            _running = (key, null); // started by an earlier incarnation of this worker: its report will come here
        AnswerEarlyQueries();
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
        _log.Warning("Worker {0}: slot lost, returning {1} tasks to their chains", _state.WorkerId, Waiting + (_running is null ? 0 : 1));
        _slot = null;
        if (_running is { } running)
            Return(running.Key, "the worker's slot went offline while running it");
        _running = null;
        ReturnWaiting("the worker's slot went offline");
        Publish();
    }

    private void ReturnWaiting(string reason)
    {
        foreach (var waiting in _buffer.TakeOldest(_buffer.Count, _ => true).Concat(_overflow))
            Return(waiting, reason);
        _overflow.Clear();
    }

    private void Return(AssignTask task, string reason) => Return(KeyOf(task), reason);

    private void Return(TaskKey task, string reason) =>
        Chains.Tell(new TaskReturned(task.ChainId, task.TaskId, task.Attempt, _state.WorkerId, reason));

    // ---- leaving ----

    /// <summary>Takes no new tasks and returns the waiting ones; reports drained once nothing runs and every outcome is written.</summary>
    private void OnDrain(DrainWorker drain)
    {
        if (_drainReplyTo is null)
            _log.Info("Worker {0}: draining, returning {1} waiting tasks", _state.WorkerId, Waiting);
        _drainReplyTo = drain.ReplyTo;
        ReturnWaiting("the worker's node is leaving");
        Publish();
        FinishIfDone();
    }

    /// <summary>Draining: reports drained once idle with every outcome written. Stopping (hand-off): stops then.</summary>
    private void FinishIfDone()
    {
        if (_drainReplyTo is not null && _running is null && _unrecorded.Count == 0)
            _drainReplyTo.Tell(new WorkerDrained(_state.WorkerId));
        if (_stopping && _unrecorded.Count == 0)
            Context.Stop(Self);
    }

    /// <summary>
    /// The shard moves: waiting tasks go back to their chains; a running one stays with the slot, which reports
    /// it to the next incarnation (and names it in its announcements, so that incarnation does not let it go).
    /// </summary>
    private void OnStop()
    {
        _stopping = true;
        ReturnWaiting("the worker is moving to another node");
        FinishIfDone();
    }

    private bool Draining => _drainReplyTo is not null || _stopping;

    private DateTimeOffset Now => _clock.GetUtcNow();

    private int Waiting => _buffer.Count + _overflow.Count;

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
        if (Stale(assign, key))
            return;
        if (_slot is null || Draining)
        {
            Return(assign, _slot is null ? "the worker's slot is offline" : "the worker's node is leaving");
            return;
        }
        Stage(assign.Stage);
        if (_running is null && Waiting == 0)
            Run(assign, prefetched: false, TimeSpan.Zero);
        else if (_overflow.Count == 0 && _buffer.TryAdd(assign, Now))
            StageInputsOf(assign);
        else
            _overflow.AddLast(assign);
        Publish();
    }

    private bool Reported(TaskKey key) => _unrecorded.ContainsKey(key) || _recentlyDone.Contains(key);

    /// <summary>
    /// An assignment that arrives after its chain must have placed the task again: issued before this worker told
    /// the chain it does not hold the task, or older than a lease lasts. Running it would run the task twice.
    /// </summary>
    private bool Stale(AssignTask assign, TaskKey key)
    {
        if (assign.IssuedAt is not { } issued) return false;
        var disowned = _disowned.AddedAt(key);
        if (!(issued <= disowned) && Now - issued <= _settings.LeaseTimeout) return false;
        _log.Info("Worker {0}: dropped assignment of {1}, sent {2:0.0} s ago: its chain has placed it again", _state.WorkerId, key, (Now - issued).TotalSeconds);
        return true;
    }

    private static TaskKey KeyOf(AssignTask task) => new(task.ChainId, task.TaskId, task.Attempt);

    private bool Holds(TaskKey key) =>
        _running?.Key == key || _buffer.Items.Any(i => KeyOf(i.Item) == key) || _overflow.Any(t => KeyOf(t) == key);

    /// <summary>Inputs for the slot's node to stage (only while prefetch is on).</summary>
    private void Stage(ImmutableArray<PrefetchCandidate> candidates)
    {
        if (_slot is null || !_settings.Prefetch.Enabled || candidates.IsDefaultOrEmpty) return;
        _slot.Tell(new StagingProtocol.StageInputs(_state.WorkerId, candidates));
    }

    /// <summary>A task now waiting in the buffer will run here: its own inputs are certain to be read.</summary>
    private void StageInputsOf(AssignTask task) =>
        Stage([.. task.Spec.Inputs.Select(i => new PrefetchCandidate(i, 1.0, $"buffered {KeyOf(task)}"))]);

    /// <summary>The next task: from the buffer first, then what waits behind it (which moves up into the buffer).</summary>
    private void RunNext()
    {
        if (_running is not null || _slot is null)
            return;
        if (Draining)
        {
            FinishIfDone();
            return;
        }
        if (_buffer.TryTake(Now, out var buffered, out var waited))
            Run(buffered, prefetched: true, waited);
        else if (_overflow.First is { } first)
        {
            _overflow.RemoveFirst();
            Run(first.Value, prefetched: false, TimeSpan.Zero);
        }
        FillBuffer();
    }

    private void FillBuffer()
    {
        while (_overflow.First is { } first && _buffer.TryAdd(first.Value, Now))
        {
            _overflow.RemoveFirst();
            StageInputsOf(first.Value);
        }
    }

    private void Run(AssignTask task, bool prefetched, TimeSpan waited)
    {
        _running = (KeyOf(task), task);
        _slot!.Tell(new RunTask(_state.WorkerId, task.ChainId, task.TaskId, task.Attempt, task.Spec, prefetched, waited.TotalMilliseconds, Waiting));
    }

    /// <summary>Buffered tasks that waited too long go back to their chains, to be placed again.</summary>
    private void ReturnExpired()
    {
        var expired = _buffer.TakeExpired(Now, _settings.Prefetch.MaxBufferTime);
        if (expired.Count == 0) return;
        foreach (var task in expired)
        {
            _metrics.ReturnedFromBuffer(expired: true);
            Return(task, $"waited in the prefetch buffer longer than {_settings.Prefetch.MaxBufferTime} (taskaffinity.prefetch.max-buffer-time)");
        }
        FillBuffer();
        Publish();
    }

    /// <summary>An idle worker can take what waits here: give back the oldest buffered tasks it can run.</summary>
    private void OnRelease(ReleaseBuffered release)
    {
        if (_running is null) return; // not busy after all: it will start them itself
        var released = _buffer.TakeOldest(release.Count, t => release.Types.Contains(t.Spec.Type));
        foreach (var task in released)
        {
            _metrics.ReturnedFromBuffer(expired: false);
            Return(task, $"released for idle worker {release.ForWorker}");
        }
        if (released.Count == 0) return;
        FillBuffer();
        Publish();
    }

    private void OnTaskRan(TaskRan ran)
    {
        var key = new TaskKey(ran.ChainId, ran.TaskId, ran.Attempt);
        var wasRunning = _running?.Key == key;
        var assigned = wasRunning ? _running!.Value.Task : null;
        if (wasRunning)
            _running = null;

        if (ran.Outcome.Refused)
        {
            // Not run: back to the chain (which places it elsewhere), and the pair's score goes down.
            if (wasRunning)
                Return(key, $"refused by the handler: {ran.Outcome.Error}");
            if (assigned is not null)
                LearnRefusal(assigned);
            RunNext();
            Publish();
            return;
        }

        // Reported even if we did not know we were running it (this entity restarted meanwhile): it is a real outcome.
        var finished = new TaskFinished(ran.ChainId, ran.TaskId, ran.Attempt, _state.WorkerId, ran.Outcome);
        _unrecorded[key] = finished;
        (assigned?.Chain is { } chain && !chain.IsNobody() ? chain : Chains).Tell(finished);

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
        if (++_outcomesSinceSnapshot < _settings.WorkerSnapshotEvery || Now - _lastSnapshot < _settings.WorkerSnapshotMinInterval) return;
        _outcomesSinceSnapshot = 0;
        _lastSnapshot = Now;
        SaveSnapshot(_state);
    }

    private void LearnRefusal(AssignTask task)
    {
        _metrics.Refused(_state.WorkerId);
        _state = _state.RecordRefusal(task.Spec.Type, _settings.Affinity.HalfLifeSamples);
        _predictor().Tell(new TaskObserved(_state.WorkerId, task.ChainId, task.AppId, task.Spec.Type,
            task.History.IsDefault ? [] : task.History, _state.Token.LastTaskType, _state.ProfileOf(task.Spec.Type),
            0, task.ExpectedDurationMs, task.Spec.InputBytes, false, DateTimeOffset.UtcNow) { Refused = true });
    }

    private sealed class ResendTick
    {
        public static readonly ResendTick Instance = new();
    }

    private sealed class StatusTick
    {
        public static readonly StatusTick Instance = new();
    }

    private sealed class BufferTick
    {
        public static readonly BufferTick Instance = new();
    }

    private sealed class SlotGraceTick
    {
        public static readonly SlotGraceTick Instance = new();
    }
}
