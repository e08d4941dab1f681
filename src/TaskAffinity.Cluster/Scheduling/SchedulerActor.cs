using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Scheduling;

/// <summary>
/// The node's scheduler, a routee of <c>task-router</c>. Admits submissions (rejecting, with every reason, what
/// the cluster cannot run, before anything is persisted), routes chain queries, and places ready tasks with
/// the configured policy using its own directory of workers, so no decision needs a round trip. The chain
/// region is looked up when first needed: it starts after the scheduler, because chains talk to it at once.
/// </summary>
/// <remarks>
/// A worker takes at most one running task plus its prefetch buffer. When the policy's choice is already that
/// full, every eligible worker is, and the task waits here until a worker reports room, in a
/// <see cref="WaitingLine{T}"/>. Under our policy it is served shortest learned duration first (the oracle's edge
/// in the simulator) less twice the learned durations of the longest path after the task in its chain (so a
/// chain's end is not held back; see CriticalPath), aged tasks first. Under the baselines it is served round-robin
/// over task types, so a workflow's small steps do not queue behind a flood of one big type. The chain's lease
/// covers this scheduler dying meanwhile. When a worker
/// reports itself idle with nothing waiting here, a busy worker with buffered tasks it could run is asked to
/// give one back.
/// With each placement go the inputs of the chain's next tasks, to be staged on the chosen host, with the
/// confidence that they run there: how often staged inputs were followed there (learned), times the chance
/// that the steps before them succeed.
/// </remarks>
internal sealed class SchedulerActor : ReceiveActor
{
    private readonly TaskAffinitySettings _settings;
    private readonly Func<IActorRef> _chains;
    private readonly IActorRef _workers;
    private IPlacementPolicy _policy;
    private PlacementModel _model = PlacementModel.Empty;
    private long _modelVersion = -1;
    private readonly TimeProvider _clock;
    private readonly WorkerDirectory _directory;
    private readonly DataLocations _locations = new();
    private readonly WaitingLine<(PlaceTask Place, IActorRef ReplyTo)> _pending;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly NodeMetrics _metrics;

    public SchedulerActor(TaskAffinitySettings settings, Func<IActorRef> chains, IActorRef workers, IActorRef mediator, IPlacementPolicy policy, TimeProvider clock,
        NodeMetrics metrics)
    {
        _metrics = metrics;
        _settings = settings;
        _chains = chains;
        _workers = workers;
        _policy = policy;
        // Ours serves its line shortest learned duration first less twice the rest of the task's chain (a type
        // never run yet counts as 0, so it gets learned), with the line's aging cap; the baselines serve it
        // round-robin over types. See WaitingLine and CriticalPath.
        _pending = policy is AffinityPolicy
            ? new(entry => CriticalPath.LineEstimateMs(entry.Type, entry.Item.Place.PathAfter.IsDefault ? [] : entry.Item.Place.PathAfter,
                type => _model.Affinity.MeanDurationMs(type) ?? 0))
            : new(LineOrder.FairByType);
        _clock = clock;
        _directory = new WorkerDirectory(settings.WorkerStaleAfter);
        mediator.Tell(new Subscribe(StatusTopic, Self));
        mediator.Tell(new Subscribe(ModelTopic, Self));
        mediator.Tell(new Subscribe(MonitorProtocol.HostTopic, Self));

        Receive<SubscribeAck>(ack => _log.Debug("Scheduler subscribed to {0}", ack.Subscribe.Topic));
        Receive<ModelSnapshot>(OnModel);
        Receive<WorkerStatus>(OnStatus);
        Receive<Terminated>(t => _directory.ForgetEntity(t.ActorRef));
        Receive<MonitorProtocol.HostSample>(sample => _directory.UpdateHeat(sample.HostId, sample.Heat));
        Receive<SubmitChain>(OnSubmit);
        Receive<SubmitChains>(many =>
        {
            foreach (var submit in many.Chains.IsDefault ? [] : many.Chains)
                OnSubmit(submit); // each answered to the sender of the whole, as if sent alone
        });
        Receive<GetChainStatus>(query => _chains().Forward(query));
        Receive<WatchChain>(watch => _chains().Forward(watch));
        Receive<PlaceTask>(OnPlace);
        Receive<WithdrawChain>(withdraw =>
        {
            if (_pending.RemoveChain(withdraw.ChainId) > 0) _metrics.Waiting(_pending.Count);
        });
        Receive<GetSchedulerStatus>(_ =>
        {
            var rules = _directory.Rules(_settings.MaxTasksPerChain, _clock.GetUtcNow());
            var online = _directory.Candidates(_clock.GetUtcNow()).Count(c => c.Online);
            Sender.Tell(new SchedulerStatus(_policy.Name, _directory.Count, online,
                [.. rules.ServedTypes.OrderBy(t => t.Name, StringComparer.Ordinal)]) { Waiting = _pending.Count });
        });
    }

    private void OnSubmit(SubmitChain submit)
    {
        if (string.IsNullOrWhiteSpace(submit.ChainId) || submit.ChainId.Length > 200)
        {
            Sender.Tell(new Rejected(submit.ChainId ?? "", [new ValidationProblem(null, "chainId", "must be 1 to 200 characters")]));
            return;
        }
        var tasks = submit.Tasks.IsDefault ? [] : submit.Tasks;
        var verdict = Admission.Check(tasks, _directory.Rules(_settings.MaxTasksPerChain, _clock.GetUtcNow()));
        if (!verdict.IsValid)
        {
            _log.Info("Rejected chain {0}: {1}", submit.ChainId, string.Join("; ", verdict.Problems));
            Sender.Tell(new Rejected(submit.ChainId, verdict.Problems));
            return;
        }
        _chains().Forward(submit);
    }

    /// <summary>The predictor's latest model: every later decision uses it, with no request per task.</summary>
    private void OnModel(ModelSnapshot snapshot)
    {
        if (snapshot.Version <= _modelVersion) return; // published out of order, or by a predictor that restarted from an older snapshot
        _modelVersion = snapshot.Version;
        _model = new PlacementModel(AffinityMap.Build(snapshot.Profiles, snapshot.AffinityOptions(_settings.Affinity)), snapshot.Transitions);
        _policy = _policy.WithModel(_model);
    }

    /// <summary>Most tasks a worker holds: the one it runs and a full prefetch buffer.</summary>
    private int Capacity => 1 + _settings.Prefetch.EffectiveBufferSize;

    private void OnStatus(WorkerStatus status)
    {
        _directory.Update(status, _clock.GetUtcNow());
        if (status.Entity is { } entity && _directory.NoteEntity(status.WorkerId, entity))
            Context.Watch(entity);
        if (_pending.Count > 0)
            PlacePending();
        else if (status is { Online: true, Running: 0, Queued: 0 } && _settings.Prefetch.Enabled)
            ReleaseFor(status);
    }

    /// <remarks>
    /// A task whose type already waits goes to the back of its group without a try: that type found every worker
    /// full, and only a worker's status (<see cref="OnStatus"/>) can make room. A chain asking again (its lease
    /// lapsed) keeps its place, with the new sender.
    /// </remarks>
    private void OnPlace(PlaceTask place)
    {
        if (_pending.Contains(KeyOf(place)) || _pending.Waits(place.Spec.Type))
        {
            Wait(place, Sender);
            return;
        }
        if (!TryPlace(place, Sender)) Wait(place, Sender);
    }

    private static WaitingKey KeyOf(PlaceTask place) => new(place.ChainId, place.TaskId, place.Attempt);

    /// <summary>Puts the task in line; false when it was there already (its place is kept, the sender replaced).</summary>
    private bool Wait(PlaceTask place, IActorRef replyTo)
    {
        if (!_pending.Add(KeyOf(place), place.Spec.Type, (place, replyTo))) return false;
        _metrics.Waiting(_pending.Count);
        return true;
    }

    /// <summary>
    /// Places waiting tasks, in the line's order, where workers have room. Once a type finds every eligible
    /// worker full, later tasks of that type wait without being tried, so a long line costs a try per type.
    /// </summary>
    private void PlacePending()
    {
        _pending.Serve(waiting => TryPlace(waiting.Item.Place, waiting.Item.ReplyTo) ? LineTry.Served : LineTry.TypeFull);
        _metrics.Waiting(_pending.Count);
    }

    /// <summary>False when every eligible worker is full: the task should wait.</summary>
    private bool TryPlace(PlaceTask place, IActorRef replyTo)
    {
        var candidates = Avoiding(_directory.Candidates(_clock.GetUtcNow()), place.AvoidWorker);
        if (AllFull(candidates, place.Spec))
            return false; // the usual answer while a line waits: found without scoring every worker
        var request = new PlacementRequest(place.ChainId, place.Spec, place.Attempt) { CachedByHost = _locations.CachedByHost(place.Spec) };
        var decision = _policy.Place(request, candidates);
        if (!decision.Placed)
        {
            replyTo.Tell(new PlacementFailed(place.ChainId, place.TaskId, place.Attempt, decision.Reason));
            return true;
        }
        var chosen = _directory.Find(decision.WorkerId!)!;
        if (chosen.Load >= Capacity)
            return false;

        var workerId = chosen.WorkerId;
        var type = place.Spec.Type;
        var predicted = chosen.Token.LastTaskType is { } last ? _model.Transitions.P(last, type) : 0;
        var profile = _model.Affinity.Profile(workerId, type);
        var expectedMs = profile is { Samples: > 0 } ? profile.DurationMs : place.Spec.EstimatedDuration.TotalMilliseconds;
        _directory.NoteAssigned(workerId);
        _locations.NotePlaced(place.Spec, chosen.HostId);
        var stage = StageFor(place, chosen.HostId, profile?.ErrorRate ?? 0);
        foreach (var input in place.Spec.Inputs)
            _locations.Record(input.Key, chosen.HostId); // read there when it runs
        // Straight to the worker's entity while it lives (two mailboxes fewer than its shard region); if it stopped
        // with this on its way, the chain's lease check finds the task not held and places it again.
        (_directory.EntityOf(workerId) ?? _workers).Tell(new AssignTask(workerId, place.ChainId, place.TaskId, place.Attempt, place.Spec,
            place.AppId, place.History, predicted, expectedMs, stage) { IssuedAt = _clock.GetUtcNow(), Chain = replyTo });
        var decisive = PlacementTerms.Decisive(decision);
        _metrics.Placed(decision.Policy, decisive);
        replyTo.Tell(new TaskPlaced(place.ChainId, place.TaskId, place.Attempt, workerId, new PlacementExplanation(decision, decisive, chosen.HostId)));
        return true;
    }

    /// <summary>Some worker could run the task, and every one that could holds as much as it may.</summary>
    private bool AllFull(IReadOnlyList<WorkerCandidate> candidates, TaskSpec task)
    {
        var serving = false;
        foreach (var c in candidates)
        {
            if (!c.CanRun(task)) continue;
            if (c.Load < Capacity) return false;
            serving = true;
        }
        return serving;
    }

    /// <summary>The worker that gave the task back is passed over, unless nobody else could take it.</summary>
    private static IReadOnlyList<WorkerCandidate> Avoiding(IReadOnlyList<WorkerCandidate> candidates, string? avoid)
    {
        if (avoid is null || !candidates.Any(c => c.Online && c.WorkerId != avoid)) return candidates;
        return [.. candidates.Select(c => c.WorkerId == avoid ? c with { Online = false } : c)];
    }

    /// <summary>
    /// The inputs of the chain's next tasks, to stage on the host the task goes to. Confidence that a task
    /// <c>s</c> steps ahead reads them there: (rate at which staged inputs were used on their host) × (1 − e)^s,
    /// e the error rate of this type on the chosen worker.
    /// </summary>
    private ImmutableArray<PrefetchCandidate> StageFor(PlaceTask place, string hostId, double errorRate)
    {
        if (!_settings.Prefetch.Enabled || place.Upcoming.IsDefaultOrEmpty) return [];
        var stage = ImmutableArray.CreateBuilder<PrefetchCandidate>();
        foreach (var upcoming in place.Upcoming)
        {
            var confidence = _locations.SameHostRate * Math.Pow(1 - Math.Clamp(errorRate, 0, 1), upcoming.Steps);
            foreach (var input in upcoming.Spec.Inputs)
            {
                stage.Add(new PrefetchCandidate(input, confidence, $"{place.ChainId}/{upcoming.Spec.Id} in {upcoming.Steps}"));
                _locations.Record(input.Key, hostId);
            }
        }
        return stage.ToImmutable();
    }

    /// <summary>An idle worker: ask the busiest worker with buffered tasks it could run to give one back.</summary>
    private void ReleaseFor(WorkerStatus idle)
    {
        var busiest = _directory.Candidates(_clock.GetUtcNow())
            .Where(c => c.Online && c.Running > 0 && c.Queued > 0 && c.WorkerId != idle.WorkerId && c.ServedTypes.Overlaps(idle.ServedTypes))
            .OrderByDescending(c => c.Queued).ThenBy(c => c.WorkerId, StringComparer.Ordinal)
            .FirstOrDefault();
        if (busiest is not null)
            _workers.Tell(new ReleaseBuffered(busiest.WorkerId, idle.WorkerId, idle.ServedTypes, 1));
    }
}
