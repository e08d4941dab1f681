using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Chains.ChainBookProtocol;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// The owner of a chain's tasks. Has its submission written before acknowledging it, hands ready tasks to
/// the scheduler, holds a lease on each one handed out and places it again if the lease lapses, records
/// outcomes (retrying failures up to the type's limit) and tells watchers when the chain ends.
/// Decisions are made by <see cref="ChainState"/>; this actor applies and replies, and its
/// <see cref="ChainBook"/> (its parent) writes what it must keep.
/// </summary>
/// <remarks>
/// An <see cref="UntypedActor"/> with a switch, not a ReceiveActor: a chain is an actor per submission, and a
/// ReceiveActor builds its handler table at every start and every Become, which made a tenth of what each
/// submission allocated.
/// </remarks>
internal sealed partial class ChainEntity : UntypedActor, IWithTimers, IWithUnboundedStash
{
    private const string LeaseTimer = "leases";
    private const string PassivateTimer = "passivate";
    private const string CheckpointTimer = "checkpoint";
    private const string AdoptTimer = "adopt";
    /// <summary>
    /// How long a chain its book started again for a finished or unknown chain (a status query, a late outcome,
    /// a repeated submission) stays an actor, so that a caller polling it does not start one per query. A chain
    /// that finishes while running goes idle at once: its book keeps its state and explanations for
    /// chains.passivate-finished-after; actors kept meanwhile (a mailbox, timers and tables each) made about a
    /// fifth of a busy node's collection pauses.
    /// </summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(5);

    private readonly TaskAffinitySettings _settings;
    private readonly IActorRef _scheduler;
    private readonly IActorRef _workers;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Leases _leases = new();
    private readonly Dictionary<IActorRef, bool> _watchers = new(); // each with whether it takes batched replies
    private readonly IActorRef _replies;
    private ChainState _state;
    private CriticalPath? _paths; // of its graph, which is fixed once it is accepted
    // Outcomes applied but not yet written, and the acknowledgements their workers get once they are.
    private readonly List<IChainEvent> _unwritten = [];
    // Each goes straight to the worker entity that reported the outcome; if that one is gone, the next resends it.
    private readonly Dictionary<(string TaskId, int Attempt), (OutcomeRecorded Ack, IActorRef Worker)> _unacknowledged = new();
    private double _unwrittenRunMs;
    private bool _endWritten; // the chain's end is in the journal: only then is anyone told it finished
    // Writes asked of the book and not yet answered, with what to do once each is written (in order).
    private readonly Dictionary<long, Action> _writes = new();
    private long _nextWrite;
    private bool _stopWhenWritten;
    private readonly NodeMetrics _metrics;
    // Why each task went where it went (the scheduler's explanation), for operators; in memory only, handed to
    // the book when the chain goes idle and back to its next incarnation.
    private readonly Dictionary<string, TaskPlaced> _explanations;
    private Phase _phase = Phase.Running;

    private enum Phase
    {
        Running,
        Accepting, // its submission is being written: everything else waits
        Idle, // told its book it has nothing to do (see PassivateSelf)
    }

    /// <param name="state">What the book has written of this chain (empty for a chain not yet submitted).</param>
    /// <param name="explanations">What an earlier incarnation knew of its placements, if the book kept it.</param>
    public ChainEntity(ChainState state, TaskAffinitySettings settings, IActorRef scheduler, IActorRef workers, IActorRef replies, TimeProvider clock,
        NodeMetrics metrics, IReadOnlyDictionary<string, TaskPlaced>? explanations = null)
    {
        _explanations = explanations is null ? new() : new(explanations);
        _replies = replies;
        _metrics = metrics;
        _settings = settings;
        _scheduler = scheduler;
        _workers = workers;
        _clock = clock;
        _state = state;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    private DateTimeOffset Now => _clock.GetUtcNow();

    private TimeSpan IdleAfter => MaxIdle < _settings.PassivateFinishedAfter ? MaxIdle : _settings.PassivateFinishedAfter;

    protected override void OnReceive(object message)
    {
        switch (_phase)
        {
            case Phase.Accepting:
                if (message is Written accepted) OnWritten(accepted);
                else Stash.Stash();
                return;
            case Phase.Idle:
                if (message is StopIdle) Context.Stop(Self);
                else if (message is IWithChainId forBook) Context.Parent.Forward(forBook);
                return;
        }
        switch (message)
        {
            case Written written: OnWritten(written); break;
            case TaskFinished finished: OnFinished(finished); break;
            case TaskPlaced placed: OnPlaced(placed); break;
            case SubmitChain submit: OnSubmit(submit); break;
            case GetChainStatus: ReplyOrNotFound(() => Sender.Tell(Status())); break;
            case WatchChain: ReplyOrNotFound(() => Watch(Sender)); break;
            case PlacementFailed failed: OnPlacementFailed(failed); break;
            case TaskLease lease: OnLease(lease); break;
            case TaskReturned returned: OnReturned(returned); break;
            case LeaseTick: CheckLeases(); break;
            case CheckpointTick: WriteCheckpoint(); break;
            case AdoptTick: DispatchReady(); break;
            case StopChain: StopAfterWriting(); break;
            case PassivateTick:
                if (!_state.IsAccepted || _state.IsFinished) PassivateSelf();
                break;
            default: Unhandled(message); break;
        }
    }

    // ---- phase: accepting ----

    /// <summary>Started by its book: a chain it holds unfinished carries on without being asked (after a restart, a move or a failure).</summary>
    protected override void PreStart()
    {
        _endWritten = _state.IsFinished;
        if (_state.IsAccepted && !_state.IsFinished)
            StartRunning(resumed: true);
        else
            Timers.StartSingleTimer(PassivateTimer, PassivateTick.Instance, IdleAfter);
    }

    private void OnSubmit(SubmitChain submit)
    {
        if (_state.IsAccepted)
        {
            Reply(Sender, new ChainAcknowledged(_state.ChainId, Duplicate: true), submit.Batched);
            if (submit.Watch) Watch(Sender, submit.Batched);
            return;
        }
        // The scheduler validated already; checked again so that no path can persist an invalid graph.
        var validation = TaskGraph.TryCreate(submit.Tasks.IsDefault ? [] : submit.Tasks);
        if (!validation.IsValid)
        {
            Sender.Tell(new Rejected(submit.ChainId, validation.Problems));
            PassivateSelf();
            return;
        }
        var replyTo = Sender;
        var accepted = (ChainAccepted)_state.DecideAccept(submit, validation.Graph!, Now).Single();
        var after = _state.Accept(accepted, validation.Graph!);
        // Until it is written, everything else waits (a second submission would otherwise be written too).
        _phase = Phase.Accepting;
        Write(accepted, after, () =>
        {
            _state = after;
            foreach (var task in submit.Tasks)
                _metrics.Submitted(task.Type);
            Reply(replyTo, new ChainAcknowledged(_state.ChainId, Duplicate: false), submit.Batched);
            if (submit.Watch) Watch(replyTo, submit.Batched);
            _phase = Phase.Running;
            Stash.UnstashAll();
            StartRunning();
        });
    }

    private void Watch(IActorRef watcher, bool batched = false)
    {
        if (_endWritten) Reply(watcher, Finished(), batched);
        else _watchers[watcher] = batched; // told once the end is written
    }

    private void Reply(IActorRef to, IWithChainId reply, bool batched)
    {
        if (batched) _replies.Tell(new ReplyBatcher.Send(to, reply));
        else to.Tell(reply);
    }

    private void ReplyOrNotFound(Action reply)
    {
        if (_state.IsAccepted)
        {
            reply();
            return;
        }
        Sender.Tell(new NotFound(_state.ChainId, $"no chain with id '{_state.ChainId}' was ever accepted"));
        PassivateSelf();
    }

    // ---- phase: running ----

    /// <summary>
    /// A resumed chain (its node died or it moved) has no record of where its tasks went: leases are not
    /// persisted. Workers tell the chains of the tasks they hold every outcome-resend interval, so it first
    /// waits one and a half of those, adopting what they report, and only then places the rest again.
    /// Otherwise a task still running on a live node would be started a second time elsewhere.
    /// </summary>
    private void StartRunning(bool resumed = false)
    {
        Timers.Cancel(PassivateTimer); // set while the entity was idle and unaccepted
        Timers.StartPeriodicTimer(LeaseTimer, LeaseTick.Instance, _settings.LeaseCheckInterval);
        if (resumed)
        {
            var open = _state.Tasks.Count(t => !t.Value.IsFinal);
            _log.Info("Chain {0} resumed with {1} of {2} tasks unfinished", _state.ChainId, open, _state.Tasks.Count);
            Timers.StartSingleTimer(AdoptTimer, AdoptTick.Instance, _settings.OutcomeResendInterval * 1.5);
            return;
        }
        DispatchReady();
    }

    private void DispatchReady()
    {
        if (Timers.IsTimerActive(AdoptTimer)) return; // still hearing which tasks workers hold
        foreach (var task in _state.ReadyTasks())
            if (!_leases.Has(task.Id))
                Dispatch(task);
    }

    private void Dispatch(TaskSpec task, string? avoidWorker = null)
    {
        var attempt = _state.CurrentAttempt(task.Id);
        _leases.Open(task.Id, attempt, Now);
        var lookahead = _settings.Prefetch.Enabled ? _settings.Prefetch.Lookahead : 0;
        var upcoming = _state.UpcomingAfter(task.Id, lookahead).Select(u => new UpcomingTask(u.Spec, u.Steps)).ToImmutableArray();
        _scheduler.Tell(new PlaceTask(_state.ChainId, task.Id, attempt, task, _state.AppId, _state.HistoryOf(task.Id), upcoming, avoidWorker,
            Paths().TypesAfter(task.Id)));
    }

    /// <summary>The longest path after each of the chain's tasks, worked out once for its graph.</summary>
    private CriticalPath Paths()
    {
        var graph = _state.Graph!;
        return _paths ??= CriticalPath.Of(graph.Tasks.Select(t => t.Id), id => graph.DependentsOf(id), id => graph[id].Type);
    }

    /// <summary>Places a task again; <paramref name="avoidWorker"/> is the worker that gave it back, if one did.</summary>
    private void Replace(string taskId, string? avoidWorker = null)
    {
        _leases.Release(taskId);
        if (!_state.Tasks[taskId].IsFinal)
            Dispatch(_state.Graph![taskId], avoidWorker);
    }

    private void OnPlaced(TaskPlaced placed)
    {
        var lease = _leases.Get(placed.TaskId, placed.Attempt);
        if (lease is null || lease.WorkerId is not null) return;
        lease.WorkerId = placed.WorkerId;
        lease.LastHeard = Now;
        _explanations[placed.TaskId] = placed; // formatted only when someone asks (Views), not on every placement
    }

    private void OnPlacementFailed(PlacementFailed failed)
    {
        // Left without a lease: the next lease tick offers the task again (e.g. once a worker comes online).
        if (_leases.Get(failed.TaskId, failed.Attempt) is null) return;
        _leases.Release(failed.TaskId);
        _log.Debug("Chain {0}: task {1} not placed yet: {2}", _state.ChainId, failed.TaskId, failed.Reason);
    }

    private void OnLease(TaskLease lease)
    {
        if (!_leases.Has(lease.TaskId))
        {
            Adopt(lease);
            return;
        }
        var current = _leases.Get(lease.TaskId, lease.Attempt);
        if (current is null || current.WorkerId != lease.WorkerId) return;
        if (lease.Held)
        {
            current.LastHeard = Now;
            current.QueriedAt = null;
        }
        else
        {
            _log.Info("Chain {0}: worker {1} no longer holds task {2}; placing it again", _state.ChainId, lease.WorkerId, lease.TaskId);
            Replace(lease.TaskId);
        }
    }

    /// <summary>A worker holds a task this incarnation never handed out (see <see cref="StartRunning"/>): it is leased there now.</summary>
    private void Adopt(TaskLease lease)
    {
        if (!lease.Held || !_state.IsAccepted || !_state.Tasks.TryGetValue(lease.TaskId, out var task) || task.IsFinal) return;
        if (lease.Attempt != _state.CurrentAttempt(lease.TaskId)) return;
        _leases.Open(lease.TaskId, lease.Attempt, Now).WorkerId = lease.WorkerId;
    }

    private void OnReturned(TaskReturned returned)
    {
        var current = _leases.Get(returned.TaskId, returned.Attempt);
        if (current is null || current.WorkerId != returned.WorkerId) return;
        _log.Debug("Chain {0}: task {1} returned by {2} ({3}); placing it again", _state.ChainId, returned.TaskId, returned.WorkerId, returned.Reason);
        Replace(returned.TaskId, returned.WorkerId);
    }

    /// <summary>
    /// Every lease not heard from for a check interval is queried at its worker; one whose query (or placement)
    /// goes unanswered for the lease timeout is placed again. Ready tasks without a lease are offered again.
    /// The worker answers a query to this incarnation directly (see WorkerEntity.Answer), so the check holds
    /// while the chain region cannot route to this shard (the coordinator's node died); only a worker that is
    /// gone or unreachable lets the lease lapse.
    /// </summary>
    private void CheckLeases()
    {
        var now = Now;
        foreach (var (taskId, lease) in _leases.All())
        {
            if (lease.WorkerId is null)
            {
                if (now - lease.SentAt > _settings.LeaseTimeout) Replace(taskId);
            }
            else if (lease.QueriedAt is { } asked)
            {
                if (now - asked > _settings.LeaseTimeout)
                {
                    _log.Info("Chain {0}: worker {1} did not answer for task {2}#{3} within {4} s; placing it again",
                        _state.ChainId, lease.WorkerId, taskId, lease.Attempt, _settings.LeaseTimeout.TotalSeconds);
                    Replace(taskId);
                }
            }
            else if (now - lease.LastHeard >= _settings.LeaseCheckInterval)
            {
                lease.QueriedAt = now;
                _workers.Tell(new QueryTask(lease.WorkerId, _state.ChainId, taskId, lease.Attempt));
            }
        }
        DispatchReady();
    }

    private void OnFinished(TaskFinished finished)
    {
        var ack = new OutcomeRecorded(finished.WorkerId, finished.ChainId, finished.TaskId, finished.Attempt);
        if (!_state.IsAccepted || !_state.Tasks.ContainsKey(finished.TaskId))
        {
            _workers.Tell(ack); // nothing to record: stop the worker resending it
            return;
        }
        if (_unacknowledged.ContainsKey((finished.TaskId, finished.Attempt)))
            return; // recorded, not yet written: acknowledged once it is
        var maxRetries = _settings.MaxRetriesFor(_state.Graph![finished.TaskId].Type);
        var outcome = _state.DecideOutcome(finished, maxRetries, _leases.LatencyMs(finished.TaskId, Now));
        if (outcome is null)
        {
            _workers.Tell(ack);
            return;
        }

        // Applied at once so the next tasks go out now; written with the checkpoint (see taskaffinity.conf).
        _state = _state.ApplyOutcome(outcome);
        _metrics.Latency(_state.Graph![finished.TaskId].Type, _state.Tasks[finished.TaskId].LatencyMs);
        _unwritten.Add(outcome);
        _unacknowledged[(finished.TaskId, finished.Attempt)] = (ack, Sender.IsNobody() ? _workers : Sender);
        _unwrittenRunMs += finished.Outcome.Duration.TotalMilliseconds;
        if (_state.Tasks[finished.TaskId].IsFinal) _leases.Close(finished.TaskId);
        else _leases.Release(finished.TaskId); // failed, will be retried with the next attempt number

        if (_state.IsFinished || _settings.CheckpointInterval == TimeSpan.Zero || _unwrittenRunMs >= _settings.CheckpointMaxRedo.TotalMilliseconds)
            WriteCheckpoint();
        else if (!Timers.IsTimerActive(CheckpointTimer))
            Timers.StartSingleTimer(CheckpointTimer, CheckpointTick.Instance, _settings.CheckpointInterval);
        if (!_state.IsFinished) DispatchReady();
    }

    /// <summary>
    /// Writes the outcomes applied since the last checkpoint as one event, then acknowledges them to their
    /// workers and, if they ended the chain, tells the watchers. Asynchronous: the chain goes on meanwhile.
    /// </summary>
    private void WriteCheckpoint()
    {
        Timers.Cancel(CheckpointTimer);
        if (_unwritten.Count == 0) return;
        var checkpoint = _state.Checkpoint(_unwritten, Now);
        _unwritten.Clear();
        _unwrittenRunMs = 0;
        Write(checkpoint, _state, () =>
        {
            // Acknowledgements wait in _unacknowledged until written, so a resent outcome is not acknowledged early.
            foreach (var key in checkpoint.Outcomes)
                if (_unacknowledged.Remove(key, out var ack))
                    ack.Worker.Tell(ack.Ack);
            if (checkpoint.Finished is null) return;
            _endWritten = true;
            OnChainFinished();
        });
    }

    private void OnChainFinished()
    {
        var finished = Finished();
        foreach (var (watcher, batched) in _watchers)
            Reply(watcher, finished, batched);
        _watchers.Clear();
        PassivateSelf();
    }

    // ---- state and views ----

    private ChainStatus Status() => new(_state.ChainId, _state.AppId, _state.Phase, Views(explained: true));

    /// <summary>What the application is told at the end: results, without the placement explanations (an operator's, from a status).</summary>
    private ChainFinished Finished() => new(_state.ChainId, _state.Phase, Views(explained: false));

    private ImmutableArray<TaskView> Views(bool explained) =>
        _state.Graph!.Tasks.Select(t =>
        {
            var r = _state.Tasks[t.Id];
            var phase = r.IsFinal ? r.Phase
                : _leases.Get(t.Id) is { WorkerId: not null } ? TaskPhase.Running
                : _leases.Has(t.Id) ? TaskPhase.Ready
                : TaskPhase.Waiting;
            var attempts = r.Failures + (r.Phase is TaskPhase.Succeeded ? 1 : 0);
            return new TaskView(t.Id, t.Type, phase, attempts, r.WorkerId ?? _leases.Get(t.Id)?.WorkerId, r.Output, r.Error, r.RunMs, r.LatencyMs)
            {
                Explanation = explained && _explanations.TryGetValue(t.Id, out var p) ? $"attempt {p.Attempt} on {p.WorkerId}, {p.Explanation}" : null,
            };
        }).ToImmutableArray();

    private sealed class LeaseTick
    {
        public static readonly LeaseTick Instance = new();
    }

    private sealed class PassivateTick
    {
        public static readonly PassivateTick Instance = new();
    }

    private sealed class CheckpointTick
    {
        public static readonly CheckpointTick Instance = new();
    }

    private sealed class AdoptTick
    {
        public static readonly AdoptTick Instance = new();
    }
}
