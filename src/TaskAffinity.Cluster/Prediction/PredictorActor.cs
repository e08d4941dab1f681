using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Persistence;
using Akka.Streams;
using Akka.Streams.Dsl;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;

namespace TaskAffinity.Cluster.Prediction;

/// <summary>
/// The cluster singleton that holds the learned models in memory. Task observations flow in through an
/// Akka.Streams pipeline that batches them (size or time window, whichever comes first); each batch updates
/// the models on this actor's thread. The model is published to every scheduler over Distributed Pub-Sub at
/// most once per publish interval, so no placement asks the predictor anything, and snapshotted, so that
/// after a fail-over the singleton resumes from its last snapshot instead of from zero.
/// </summary>
internal sealed class PredictorActor : ReceivePersistentActor, IWithTimers
{
    private const string PublishTimer = "publish";
    private const string SnapshotTimer = "snapshot";

    private readonly TaskAffinitySettings _settings;
    private readonly IActorRef _mediator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<(string WorkerId, TaskType Type), ProfileEntry> _profiles = new();
    private SequencePredictor _model;
    private ImmutableDictionary<TaskType, AffinityWeights> _weights = ImmutableDictionary<TaskType, AffinityWeights>.Empty;
    private IActorRef _ingest = ActorRefs.Nobody;
    private long _version;
    private long _publishedVersion;
    private long _snapshotVersion;

    public PredictorActor(TaskAffinitySettings settings, IActorRef mediator)
    {
        _settings = settings;
        _mediator = mediator;
        _model = new SequencePredictor(settings.Prediction);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not PredictorState state) return;
            _model = SequencePredictor.FromSnapshot(state.Model, settings.Prediction);
            foreach (var entry in state.Profiles)
                _profiles[(entry.WorkerId, entry.Type)] = entry;
            if (!state.Weights.IsDefault)
                _weights = state.Weights.ToImmutableDictionary(w => w.Type, w => w.Weights);
            _version = _publishedVersion = _snapshotVersion = state.Version;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Predictor started at model version {0} ({1} profiles, {2} observations)", _version, _profiles.Count, _model.Stats.Observations);
            Publish(force: true);
        });

        Command<TaskObserved>(observed => _ingest.Tell(observed));
        Command<Batch>(batch => Learn(batch.Observations));
        Command<GetModel>(_ => Sender.Tell(Snapshot()));
        Command<PredictNext>(predict => Sender.Tell(new NextPrediction(_model.Predict(predict.Context))));
        Command<GetFrequentChains>(get => Sender.Tell(new FrequentChains(_model.Chains.FrequentChains(get.Top, get.MaxLength))));
        Command<SetWeights>(OnSetWeights);
        Command<PublishTick>(_ => Publish(force: false));
        Command<SnapshotTick>(_ => SaveIfChanged());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr, s.Metadata.Timestamp.AddMilliseconds(-1))));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Predictor snapshot failed"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<StreamFailed>(f => throw new InvalidOperationException("the observation stream failed", f.Cause));
    }

    public override string PersistenceId => "taskaffinity-predictor";

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        // Observations beyond the buffer are dropped oldest-first: the model is statistical, a burst must not
        // grow memory without bound or slow the workers that report.
        var self = Self;
        _ingest = Source.ActorRef<TaskObserved>(_settings.PredictorBufferSize, OverflowStrategy.DropHead)
            .GroupedWithin(_settings.PredictorBatchSize, _settings.PredictorBatchWindow)
            .Select(batch => new Batch([.. batch]))
            .To(Sink.ActorRef<Batch>(self, StreamDone.Instance, e => new StreamFailed(e)))
            .Run(Context.Materializer());
        Timers.StartPeriodicTimer(PublishTimer, PublishTick.Instance, _settings.ModelPublishInterval);
        Timers.StartPeriodicTimer(SnapshotTimer, SnapshotTick.Instance, _settings.PredictorSnapshotInterval);
        base.PreStart();
    }

    protected override void PostStop()
    {
        SaveIfChanged(); // a graceful hand-over keeps everything learned since the last periodic snapshot
        base.PostStop();
    }

    private void Learn(ImmutableArray<TaskObserved> batch)
    {
        foreach (var o in batch)
        {
            _profiles[(o.WorkerId, o.Type)] = new ProfileEntry(o.WorkerId, o.Type, o.Profile);
            if (o.Refused) continue;
            var history = o.History.IsDefault ? [] : o.History;
            var context = new PredictionContext(history, o.AppId, o.WorkerId, o.WorkerLastType, o.At.Hour);
            _model.Observe(context, o.Type, o.InputBytes); // also records the chain edge from the last type
        }
        _version++;
    }

    /// <summary>Weights take effect everywhere with the next model, and are saved at once: an operator's change survives a fail-over.</summary>
    private void OnSetWeights(SetWeights set)
    {
        if (set.Weights?.Problems() is { Count: > 0 } problems)
        {
            Sender.Tell(new WeightsRejected(set.Type, string.Join("; ", problems)));
            return;
        }
        _weights = set.Weights is null ? _weights.Remove(set.Type) : _weights.SetItem(set.Type, set.Weights);
        _version++;
        _log.Info("Affinity weights of {0} set to {1}", set.Type, set.Weights?.ToString() ?? "the configured ones");
        SaveIfChanged();
        Publish(force: true);
        Sender.Tell(new WeightsSet(set.Type, set.Weights, _version));
    }

    private ImmutableArray<TypeWeights> WeightList() =>
        [.. _weights.OrderBy(w => w.Key.Name, StringComparer.Ordinal).Select(w => new TypeWeights(w.Key, w.Value))];

    private ModelSnapshot Snapshot() =>
        new(_version, [.. _profiles.Values], _model.Transitions(), _model.Stats) { Weights = WeightList() };

    private void Publish(bool force)
    {
        if (!force && _version == _publishedVersion) return;
        _publishedVersion = _version;
        _mediator.Tell(new Publish(ModelTopic, Snapshot()));
    }

    private void SaveIfChanged()
    {
        if (_version == _snapshotVersion) return;
        _snapshotVersion = _version;
        SaveSnapshot(new PredictorState(_version, [.. _profiles.Values], _model.ToSnapshot()) { Weights = WeightList() });
    }

    private sealed record Batch(ImmutableArray<TaskObserved> Observations);

    private sealed record StreamFailed(Exception Cause);

    private sealed class StreamDone
    {
        public static readonly StreamDone Instance = new();
    }

    private sealed class PublishTick
    {
        public static readonly PublishTick Instance = new();
    }

    private sealed class SnapshotTick
    {
        public static readonly SnapshotTick Instance = new();
    }
}
