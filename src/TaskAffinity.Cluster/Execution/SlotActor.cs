using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Cluster.Staging;
using TaskAffinity.Cluster.Workers;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Execution;

/// <summary>
/// Executes the tasks of one worker slot, one at a time, on the node that hosts it, with its inputs read
/// through the node's cache. It announces itself to its worker entity at start and then on every heartbeat,
/// so an entity that moved or restarted finds it again; what the entity asks to stage it passes to the
/// node's stager.
/// </summary>
internal sealed class SlotActor : ReceiveActor, IWithTimers
{
    private const string HeartbeatTimer = "heartbeat";

    private readonly string _workerId;
    private readonly string _hostId;
    private readonly HandlerRegistry _handlers;
    private readonly TaskAffinitySettings _settings;
    private readonly IActorRef _workers;
    private readonly IActorRef _stager;
    private readonly HostData _data;
    private readonly PrefetchMetrics _metrics;
    private readonly RunLog _runLog;
    private readonly NodeMetrics _nodeMetrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<RunTask> _waiting = new();
    private TaskKey? _running;
    private IActorRef? _drainer; // set while the node drains: told once the worker has nothing left here
    private IActorRef? _entity; // the worker entity that sent the running task, while it lives
    private TaskRan? _lastRan;

    public SlotActor(string workerId, string hostId, HandlerRegistry handlers, TaskAffinitySettings settings, IActorRef workers,
        IActorRef stager, HostData data, PrefetchMetrics metrics, RunLog runLog, NodeMetrics nodeMetrics)
    {
        _runLog = runLog;
        _stager = stager;
        _data = data;
        _metrics = metrics;
        _nodeMetrics = nodeMetrics;
        _workerId = workerId;
        _hostId = hostId;
        _handlers = handlers;
        _settings = settings;
        _workers = workers;

        Receive<Heartbeat>(_ =>
        {
            Announce();
            if (_drainer is not null) _workers.Tell(new DrainWorker(_workerId, Self)); // the worker may have moved meanwhile
        });
        Receive<SlotAcknowledged>(_ => { });
        Receive<RunTask>(run =>
        {
            NoteEntity(Sender);
            OnRun(run);
        });
        Receive<Terminated>(t => { if (t.ActorRef.Equals(_entity)) _entity = null; });
        Receive<StagingProtocol.StageInputs>(stage => _stager.Tell(stage));
        Receive<Ran>(OnRan);
        Receive<SlotsActor.DrainSlot>(_ =>
        {
            _drainer = Sender;
            _workers.Tell(new DrainWorker(_workerId, Self));
        });
        Receive<WorkerDrained>(_ =>
        {
            if (_running is null && _waiting.Count == 0) _drainer?.Tell(new SlotsActor.SlotDrained(_workerId));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Announce();
        Timers.StartPeriodicTimer(HeartbeatTimer, Heartbeat.Instance, _settings.SlotHeartbeat);
    }

    private void Announce() =>
        _workers.Tell(new SlotOnline(_workerId, _hostId, _handlers.ServedTypes, _settings.HostCapacity, Self, _running, _lastRan));

    /// <summary>
    /// Outcomes go straight back to the entity that sent the task, not through the shard region: two fewer
    /// mailboxes on every task's way, which bounded how fast a slot could take its next task. Once that entity
    /// stops they go through the region again, to its next incarnation (and the announcements repeat the last one).
    /// </summary>
    private void NoteEntity(IActorRef sender)
    {
        if (sender.IsNobody() || sender.Equals(_entity)) return;
        if (_entity is not null) Context.Unwatch(_entity);
        _entity = sender;
        Context.Watch(sender);
    }

    private void OnRun(RunTask run)
    {
        var key = new TaskKey(run.ChainId, run.TaskId, run.Attempt);
        if (_running == key || _waiting.Any(w => w.ChainId == run.ChainId && w.TaskId == run.TaskId && w.Attempt == run.Attempt))
            return;
        if (_running is not null)
        {
            // Only when the worker entity restarted and lost track of us; keep it and run it next.
            _waiting.Enqueue(run);
            return;
        }
        Start(run);
    }

    private void Start(RunTask run)
    {
        var key = new TaskKey(run.ChainId, run.TaskId, run.Attempt);
        _running = key;
        _runLog.Started(_workerId, key);
        _metrics.TaskStarted(run.WorkerId, run.Prefetched, TimeSpan.FromMilliseconds(run.BufferedMs), run.Waiting);
        var handler = _handlers.Find(run.Spec);
        var context = new TaskContext(run.ChainId, run.TaskId, run.Attempt, _workerId, _hostId, run.Spec, _data, run.Prefetched);
        var timeout = _settings.TaskTimeout;
        Execute(handler, context, timeout).PipeTo(Self, success: outcome => new Ran(run, outcome));
    }

    /// <summary>Runs the handler off the actor's thread; every exception becomes a failed outcome, never a crash.</summary>
    private static async Task<TaskOutcome> Execute(ITaskHandler? handler, TaskContext context, TimeSpan timeout)
    {
        var requested = context.Spec.Resources;
        var clock = Stopwatch.StartNew();
        if (handler is null)
            return TaskOutcome.Failure(TimeSpan.Zero, ResourceVector.Zero,
                $"no handler named '{context.Spec.HandlerName}' on worker {context.WorkerId}");
        using var cts = new CancellationTokenSource(timeout);
        using var _ = context; // unpins the inputs it read
        try
        {
            // WaitAsync bounds the wait even for a handler that ignores its cancellation token (on the same token,
            // so one timer per task, not two).
            var output = await Task.Run(() => handler.HandleAsync(context, cts.Token)).WaitAsync(cts.Token).ConfigureAwait(false);
            return TaskOutcome.Success(clock.Elapsed, context.ResourcesUsed ?? requested, context.BytesRead, output ?? "");
        }
        catch (TaskRefusedException e) when (context.Prefetched)
        {
            return TaskOutcome.Refusal(clock.Elapsed, e.Message);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && cts.IsCancellationRequested))
        {
            return TaskOutcome.Failure(clock.Elapsed, context.ResourcesUsed ?? requested, $"timed out after {timeout} (taskaffinity.worker.task-timeout)");
        }
        catch (Exception e)
        {
            return TaskOutcome.Failure(clock.Elapsed, context.ResourcesUsed ?? requested, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private void OnRan(Ran ran)
    {
        _running = null;
        _runLog.Ended(_workerId, new TaskKey(ran.Run.ChainId, ran.Run.TaskId, ran.Run.Attempt),
            ran.Outcome.Refused ? "refused" : ran.Outcome.Succeeded ? "succeeded" : "failed");
        if (!ran.Outcome.Refused)
            _nodeMetrics.Ran(ran.Run.Spec.Type, ran.Outcome.Succeeded, ran.Outcome.Duration);
        if (ran.Outcome.Refused)
            _log.Info("Slot {0}: task {1}/{2} refused from the prefetch buffer: {3}", _workerId, ran.Run.ChainId, ran.Run.TaskId, ran.Outcome.Error);
        else if (!ran.Outcome.Succeeded)
            _log.Info("Slot {0}: task {1}/{2} attempt {3} failed: {4}", _workerId, ran.Run.ChainId, ran.Run.TaskId, ran.Run.Attempt, ran.Outcome.Error);
        _lastRan = new TaskRan(_workerId, ran.Run.ChainId, ran.Run.TaskId, ran.Run.Attempt, ran.Outcome);
        (_entity ?? _workers).Tell(_lastRan);
        if (_waiting.Count > 0)
            Start(_waiting.Dequeue());
    }

    private sealed record Ran(RunTask Run, TaskOutcome Outcome);

    private sealed class Heartbeat
    {
        public static readonly Heartbeat Instance = new();
    }
}
