using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
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
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public SchedulerActor(TaskAffinitySettings settings, Func<IActorRef> chains, IActorRef workers, IActorRef mediator, IPlacementPolicy policy, TimeProvider clock)
    {
        _settings = settings;
        _chains = chains;
        _workers = workers;
        _policy = policy;
        _clock = clock;
        _directory = new WorkerDirectory(settings.WorkerStaleAfter);
        mediator.Tell(new Subscribe(StatusTopic, Self));
        mediator.Tell(new Subscribe(ModelTopic, Self));

        Receive<SubscribeAck>(ack => _log.Debug("Scheduler subscribed to {0}", ack.Subscribe.Topic));
        Receive<ModelSnapshot>(OnModel);
        Receive<WorkerStatus>(status => _directory.Update(status, _clock.GetUtcNow()));
        Receive<SubmitChain>(OnSubmit);
        Receive<GetChainStatus>(query => _chains().Forward(query));
        Receive<WatchChain>(watch => _chains().Forward(watch));
        Receive<PlaceTask>(OnPlace);
        Receive<GetSchedulerStatus>(_ =>
        {
            var rules = _directory.Rules(_settings.MaxTasksPerChain, _clock.GetUtcNow());
            var online = _directory.Candidates(_clock.GetUtcNow()).Count(c => c.Online);
            Sender.Tell(new SchedulerStatus(_policy.Name, _directory.Count, online,
                [.. rules.ServedTypes.OrderBy(t => t.Name, StringComparer.Ordinal)]));
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
        _model = new PlacementModel(AffinityMap.Build(snapshot.Profiles, _settings.Affinity), snapshot.Transitions);
        _policy = _policy.WithModel(_model);
    }

    private void OnPlace(PlaceTask place)
    {
        var candidates = _directory.Candidates(_clock.GetUtcNow());
        var decision = _policy.Place(new PlacementRequest(place.ChainId, place.Spec, place.Attempt), candidates);
        if (!decision.Placed)
        {
            Sender.Tell(new PlacementFailed(place.ChainId, place.TaskId, place.Attempt, decision.Reason));
            return;
        }
        var workerId = decision.WorkerId!;
        var type = place.Spec.Type;
        var predicted = _directory.TokenOf(workerId).LastTaskType is { } last ? _model.Transitions.P(last, type) : 0;
        var expectedMs = _model.Affinity.Profile(workerId, type) is { Samples: > 0 } profile
            ? profile.DurationMs
            : place.Spec.EstimatedDuration.TotalMilliseconds;
        _directory.NoteAssigned(workerId);
        _workers.Tell(new AssignTask(workerId, place.ChainId, place.TaskId, place.Attempt, place.Spec,
            place.AppId, place.History, predicted, expectedMs));
        Sender.Tell(new TaskPlaced(place.ChainId, place.TaskId, place.Attempt, workerId, $"{decision.Policy}: {decision.Reason}"));
    }
}
