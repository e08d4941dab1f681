using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using static TaskAffinity.Cluster.Chains.ChainProtocol;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Workers;

/// <summary>What a worker tells others: outcomes until their chains have written them, answers to lease checks, its status.</summary>
internal sealed partial class WorkerEntity
{
    private void OnOutcomeRecorded(OutcomeRecorded recorded)
    {
        var key = new TaskKey(recorded.ChainId, recorded.TaskId, recorded.Attempt);
        if (_unrecorded.Remove(key))
            _recentlyDone.Add(key);
        FinishIfDone();
    }

    private void ResendUnrecorded()
    {
        foreach (var finished in _unrecorded.Values)
            Chains.Tell(finished);
        // And what is held here, so that a chain that restarted or moved adopts it instead of placing it again.
        var held = _buffer.Items.Select(i => KeyOf(i.Item)).Concat(_overflow.Select(KeyOf));
        if (_running is { } running) held = held.Prepend(running.Key);
        foreach (var key in held)
            Chains.Tell(new TaskLease(key.ChainId, key.TaskId, key.Attempt, _state.WorkerId, Held: true));
    }

    private void OnQuery(QueryTask query) => Answer(query, Sender);

    /// <summary>
    /// Tells the chain that checks its lease whether this worker holds the task, with the outcome if it ran here
    /// and is not yet recorded. The answer goes straight back to the chain incarnation that asked, not through the
    /// chain region: a region that has not yet routed to the chain's shard must ask the shard coordinator where it
    /// lives, and while the coordinator's node is dead (until it is downed and the coordinator has moved, some
    /// 25 s) it holds such messages back. The lease would lapse meanwhile and the task run a second time,
    /// although this worker and the chain were both alive and reachable all along.
    /// </summary>
    private void Answer(QueryTask query, IActorRef asker)
    {
        if (_slot is null && Timers.IsTimerActive(SlotGraceTimer))
        {
            _earlyQueries.Add((query, asker)); // answered once the slot says what it runs
            return;
        }
        var replyTo = asker.IsNobody() ? Chains : asker;
        var key = new TaskKey(query.ChainId, query.TaskId, query.Attempt);
        if (_unrecorded.TryGetValue(key, out var finished))
            replyTo.Tell(finished);
        var held = Holds(key) || _unrecorded.ContainsKey(key);
        if (!held) _disowned.Add(key, Now);
        replyTo.Tell(new TaskLease(query.ChainId, query.TaskId, query.Attempt, _state.WorkerId, held));
    }

    private void AnswerEarlyQueries()
    {
        Timers.Cancel(SlotGraceTimer);
        var queries = _earlyQueries.ToList();
        _earlyQueries.Clear();
        foreach (var (query, asker) in queries)
            Answer(query, asker);
    }

    // ---- status ----

    private WorkerStatus Status() => new(
        _state.WorkerId, _state.HostId, _slot is not null && !Draining, _state.ServedTypes, _state.HostCapacity,
        Waiting, _running is null ? 0 : 1, _state.Token, _state.Completed, _state.Failed) { Entity = Self };

    /// <summary>
    /// Publishes the status once the messages already waiting here are handled: a busy worker changes several
    /// times per task (assigned, started, finished), and schedulers need only where it ended up. Under load that
    /// is one publish for many changes; when idle it goes out at once.
    /// </summary>
    private void Publish()
    {
        if (_publishQueued || !_state.IsRegistered) return;
        _publishQueued = true;
        Self.Tell(PublishQueued.Instance);
    }

    private void PublishNow(bool heartbeat = false)
    {
        _publishQueued = false;
        if (!_state.IsRegistered) return;
        var status = Status();
        _mediator.Tell(new Publish(StatusTopic, status));
        if (!heartbeat && status.Online == _viewOnline) return;
        _viewOnline = status.Online;
        _mediator.Tell(new Publish(ViewTopic, status));
    }

    private sealed class PublishQueued
    {
        public static readonly PublishQueued Instance = new();
    }
}
