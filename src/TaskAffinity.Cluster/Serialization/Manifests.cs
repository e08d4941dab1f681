using System.Collections.Frozen;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosts;
using TaskAffinity.Cluster.Workers;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Hosts.HostProtocol;
using static TaskAffinity.Cluster.Prediction.PredictorProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;
using static TaskAffinity.Cluster.Staging.StagingProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Serialization;

/// <summary>
/// The stable name of every serialized type. Journals store these names, so a name never changes once
/// shipped: rename the class freely, keep its manifest. A new message type must be added here, or the
/// serialization tests fail.
/// </summary>
internal static class Manifests
{
    private static readonly (Type Type, string Manifest)[] Table =
    [
        // chain protocol
        (typeof(SubmitChain), "chain.submit"),
        (typeof(SubmitChains), "chain.submit-many"),
        (typeof(ChainReplies), "chain.replies"),
        (typeof(ChainAcknowledged), "chain.acknowledged"),
        (typeof(Rejected), "chain.rejected"),
        (typeof(GetChainStatus), "chain.get-status"),
        (typeof(WatchChain), "chain.watch"),
        (typeof(NotFound), "chain.not-found"),
        (typeof(ChainStatus), "chain.status"),
        (typeof(ChainFinished), "chain.finished"),
        (typeof(TaskFinished), "chain.task-finished"),
        (typeof(TaskLease), "chain.task-lease"),
        (typeof(TaskReturned), "chain.task-returned"),
        (typeof(TaskPlaced), "chain.task-placed"),
        (typeof(PlacementFailed), "chain.placement-failed"),
        // chain events and snapshot
        (typeof(ChainAccepted), "chain.ev.accepted"),
        (typeof(TaskSucceeded), "chain.ev.task-succeeded"),
        (typeof(TaskFailed), "chain.ev.task-failed"),
        (typeof(ChainFinishedEvent), "chain.ev.finished"),
        (typeof(ChainCheckpoint), "chain.ev.checkpoint"),
        (typeof(ChainSnapshot), "chain.snapshot"),
        // chain books
        (typeof(ChainBookProtocol.ChainsWritten), "chain.book.ev.written"),
        (typeof(ChainBookProtocol.ChainBookSnapshot), "chain.book.snapshot"),
        (typeof(ChainBookProtocol.ListChains), "chain.book.list"),
        (typeof(ChainBookProtocol.BookChains), "chain.book.chains"),
        // scheduler
        (typeof(PlaceTask), "scheduler.place-task"),
        (typeof(WithdrawChain), "scheduler.withdraw-chain"),
        (typeof(GetSchedulerStatus), "scheduler.get-status"),
        (typeof(SchedulerStatus), "scheduler.status"),
        // predictor protocol and snapshot
        (typeof(TaskObserved), "predictor.observed"),
        (typeof(ModelSnapshot), "predictor.model"),
        (typeof(GetModel), "predictor.get-model"),
        (typeof(PredictNext), "predictor.predict-next"),
        (typeof(NextPrediction), "predictor.next"),
        (typeof(PredictorState), "predictor.snapshot"),
        (typeof(SetWeights), "predictor.set-weights"),
        (typeof(WeightsSet), "predictor.weights-set"),
        (typeof(WeightsRejected), "predictor.weights-rejected"),
        (typeof(GetFrequentChains), "predictor.get-chains"),
        (typeof(FrequentChains), "predictor.chains"),
        // monitor
        (typeof(Monitoring.MonitorProtocol.HostSample), "monitor.host-sample"),
        // worker protocol, event and snapshot
        (typeof(SlotOnline), "worker.slot-online"),
        (typeof(DrainWorker), "worker.drain"),
        (typeof(WorkerDrained), "worker.drained"),
        (typeof(SlotAcknowledged), "worker.slot-acknowledged"),
        (typeof(AssignTask), "worker.assign"),
        (typeof(QueryTask), "worker.query"),
        (typeof(OutcomeRecorded), "worker.outcome-recorded"),
        (typeof(RunTask), "worker.run"),
        (typeof(TaskRan), "worker.ran"),
        (typeof(GetWorkerStatus), "worker.get-status"),
        (typeof(ReleaseBuffered), "worker.release-buffered"),
        (typeof(WorkerStatus), "worker.status"),
        (typeof(WorkerRegistered), "worker.ev.registered"),
        (typeof(WorkerState), "worker.snapshot"),
        // host protocol, event and snapshot
        (typeof(RegisterHost), "host.register"),
        (typeof(HostRegistrationAcknowledged), "host.registered-ack"),
        (typeof(GetHostStatus), "host.get-status"),
        (typeof(HostStatus), "host.status"),
        (typeof(HostNotFound), "host.not-found"),
        (typeof(HostRegistered), "host.ev.registered"),
        (typeof(HostState), "host.snapshot"),
        // staging
        (typeof(StageInputs), "staging.stage"),
        (typeof(GetStagerStats), "staging.get-stats"),
        (typeof(Staging.PrefetchReport), "staging.report"),
    ];

    public static readonly FrozenDictionary<Type, string> ByType = Table.ToFrozenDictionary(e => e.Type, e => e.Manifest);

    public static readonly FrozenDictionary<string, Type> ByManifest = Table.ToFrozenDictionary(e => e.Manifest, e => e.Type);
}
