using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using TaskAffinity.Cluster.Hosting;
using static TaskAffinity.Cluster.Chains.ChainBookProtocol;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// The durable home of many chains: the sharded, event-sourced entity that chains live in as children.
/// Each chain (a <see cref="ChainEntity"/>) decides as before; the book writes for all of them, putting the
/// submissions and checkpoints that wait while one row is written into the next row, and keeps every chain's
/// state as written. So a chain costs no journal query of its own when it starts, no remember-entities rows,
/// and a share of a row instead of a row per write: the end-to-end profile showed those to be most of a
/// chain's cost. On start (after a restart or a move) the book recovers its chains and wakes the unfinished.
/// A finished chain is kept for <c>chains.passivate-finished-after</c> for status queries and repeated
/// submissions, then forgotten.
/// </summary>
internal sealed class ChainBook : ReceivePersistentActor, IWithTimers
{
    /// <summary>
    /// The shard region's name. Not "chain", the name of the region when every chain was an entity of its own,
    /// whose remember-entities data (chain ids) must not be read as book ids.
    /// </summary>
    public const string RegionName = "chains";

    private readonly TaskAffinitySettings _settings;
    private readonly Func<ChainState, IReadOnlyDictionary<string, TaskPlaced>?, Props> _chainProps;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Entry> _chains = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _children = new();
    // The next row: what chains asked to write while the previous one was being written, and who asked.
    private readonly List<ChainAccepted> _accepted = [];
    private readonly List<ChainCheckpoint> _checkpoints = [];
    private readonly List<(IActorRef Chain, long Token, ChainState After)> _writers = [];
    private bool _writing;
    private bool _flushQueued;
    private int _rowsSinceSnapshot;
    private bool _stopping;
    private long _incarnations;

    public ChainBook(string bookId, TaskAffinitySettings settings, TimeProvider clock, Func<ChainState, IReadOnlyDictionary<string, TaskPlaced>?, Props> chainProps)
    {
        _settings = settings;
        _clock = clock;
        _chainProps = chainProps;
        PersistenceId = $"chain-{bookId}";

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ChainBookSnapshot snapshot)
                foreach (var chain in snapshot.Chains)
                    _chains[chain.ChainId] = new Entry(ChainState.FromSnapshot(chain));
        });
        Recover<ChainsWritten>(Apply);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<Write>(OnWrite);
        Command<Flush>(_ =>
        {
            _flushQueued = false;
            if (!_writing) WriteRow();
        });
        Command<Idle>(OnIdle);
        Command<Sweep>(_ => ForgetExpired());
        Command<Terminated>(t => OnTerminated(t.ActorRef));
        Command<ListChains>(list => Sender.Tell(new BookChains(list.BookId,
            [.. _chains.Where(c => c.Value.State.IsAccepted).Select(c => c.Key).Order(StringComparer.Ordinal)])));
        Command<StopChain>(_ => StopAfterWriting());
        Command<SaveSnapshotSuccess>(saved =>
        {
            // Everything up to the snapshot is in it: the rows before it and older snapshots are no longer read.
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning(failed.Cause, "Chain book {0}: snapshot not saved; its rows are kept", PersistenceId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => _log.Warning(failed.Cause, "Chain book {0}: old rows not deleted", PersistenceId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning(failed.Cause, "Chain book {0}: old snapshots not deleted", PersistenceId));
        Command<IWithChainId>(Route);
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A chain that throws is stopped, not restarted with stale state; the book starts it again from what is written.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void OnRecovered()
    {
        // Finished chains are kept from now on (their rows were applied at recovery); the others carry on.
        var forgetAt = _clock.GetUtcNow() + _settings.PassivateFinishedAfter;
        foreach (var (chainId, entry) in _chains)
        {
            if (entry.State.IsFinished) entry.ForgetAt = forgetAt;
            else entry.Chain = Start(chainId, entry);
        }
        var sweep = TimeSpan.FromTicks(Math.Clamp(_settings.PassivateFinishedAfter.Ticks / 4, TimeSpan.TicksPerSecond / 10, TimeSpan.TicksPerMinute));
        Timers.StartPeriodicTimer("sweep", Sweep.Instance, sweep);
        if (_chains.Count > 0)
            _log.Info("Chain book {0} recovered {1} chains, {2} of them unfinished", PersistenceId, _chains.Count, _chains.Values.Count(e => !e.State.IsFinished));
    }

    // ---- chains ----

    private void Route(IWithChainId message)
    {
        if (_stopping) return; // handing off: the sender retries (applications, workers and leases all do)
        if (!_chains.TryGetValue(message.ChainId, out var entry))
        {
            if (message is GetChainStatus or WatchChain)
            {
                Sender.Tell(new NotFound(message.ChainId, $"no chain with id '{message.ChainId}' was ever accepted, or it finished longer ago than chains.passivate-finished-after"));
                return;
            }
            entry = new Entry(ChainState.Empty(message.ChainId));
            _chains[message.ChainId] = entry;
        }
        entry.Chain ??= Start(message.ChainId, entry);
        entry.Chain.Forward(message);
    }

    private IActorRef Start(string chainId, Entry entry)
    {
        var name = $"{Uri.EscapeDataString(chainId)}~{++_incarnations}";
        var chain = Context.ActorOf(_chainProps(entry.State, entry.Explanations), name);
        Context.Watch(chain);
        _children[chain] = chainId;
        return chain;
    }

    /// <summary>
    /// The chain stops taking messages and bounces any that reach it back here; it is stopped once it has
    /// every message sent to it so far. One never accepted is forgotten; a finished one is kept, without an
    /// actor but with its placements' explanations, until chains.passivate-finished-after has passed since it
    /// finished, then forgotten.
    /// </summary>
    private void OnIdle(Idle idle)
    {
        if (!_chains.TryGetValue(idle.ChainId, out var entry) || !Sender.Equals(entry.Chain)) return;
        entry.Chain = null;
        entry.Explanations = idle.Explanations ?? entry.Explanations;
        if (!entry.State.IsAccepted || entry.ForgetAt <= _clock.GetUtcNow())
            _chains.Remove(idle.ChainId);
        Sender.Tell(StopIdle.Instance);
    }

    private void ForgetExpired()
    {
        var now = _clock.GetUtcNow();
        List<string>? expired = null;
        foreach (var (chainId, entry) in _chains)
            if (entry.Chain is null && entry.ForgetAt <= now)
                (expired ??= []).Add(chainId);
        foreach (var chainId in expired ?? [])
            _chains.Remove(chainId);
    }

    private void OnTerminated(IActorRef chain)
    {
        if (!_children.Remove(chain, out var chainId)) return;
        if (_stopping)
        {
            FinishStopping();
            return;
        }
        if (_chains.TryGetValue(chainId, out var entry) && chain.Equals(entry.Chain))
        {
            // It failed: start it again from what is written; what it held in memory (leases) it learns again.
            _log.Warning("Chain {0} stopped unexpectedly; starting it again from its book", chainId);
            if (entry.State.IsAccepted) entry.Chain = Start(chainId, entry);
            else _chains.Remove(chainId);
        }
    }

    // ---- writing ----

    private void OnWrite(Write write)
    {
        if (write.Event is ChainAccepted accepted) _accepted.Add(accepted);
        else if (write.Event is ChainCheckpoint checkpoint) _checkpoints.Add(checkpoint);
        else throw new ArgumentException($"a chain book writes submissions and checkpoints, not {write.Event.GetType().Name}");
        _writers.Add((Sender, write.Token, write.After));
        if (_writing || _flushQueued) return;
        // Written after the messages already in the mailbox: those that ask to write join this row.
        _flushQueued = true;
        Self.Tell(Flush.Instance);
    }

    /// <summary>Writes what waits as one row; one row at a time, so what arrives meanwhile makes the next one.</summary>
    private void WriteRow()
    {
        if (_writers.Count == 0) return;
        var row = new ChainsWritten([.. _accepted], [.. _checkpoints]);
        var writers = _writers.ToArray();
        _accepted.Clear();
        _checkpoints.Clear();
        _writers.Clear();
        _writing = true;
        PersistAsync(row, _ =>
        {
            _writing = false;
            foreach (var (chain, token, after) in writers)
            {
                Keep(after);
                chain.Tell(new Written(token));
            }
            if (++_rowsSinceSnapshot >= _settings.ChainBookSnapshotEvery) SaveSnapshot();
            WriteRow();
            if (_stopping) FinishStopping();
        });
    }

    /// <summary>A chain's state as now written (the same as applying the row, which recovery does).</summary>
    private void Keep(ChainState after)
    {
        if (!_chains.TryGetValue(after.ChainId, out var entry))
            _chains[after.ChainId] = entry = new Entry(ChainState.Empty(after.ChainId));
        if (after.IsFinished && !entry.State.IsFinished) entry.ForgetAt = _clock.GetUtcNow() + _settings.PassivateFinishedAfter;
        entry.State = after;
    }

    /// <summary>A row read back at recovery.</summary>
    private void Apply(ChainsWritten row)
    {
        foreach (var accepted in row.Accepted.IsDefault ? [] : row.Accepted)
        {
            if (!_chains.TryGetValue(accepted.ChainId, out var entry))
                _chains[accepted.ChainId] = entry = new Entry(ChainState.Empty(accepted.ChainId));
            entry.State = entry.State.Apply(accepted);
        }
        foreach (var checkpoint in row.Checkpoints.IsDefault ? [] : row.Checkpoints)
            if (_chains.TryGetValue(checkpoint.ChainId, out var entry) && entry.State.IsAccepted)
            {
                entry.State = entry.State.Apply(checkpoint);
                if (checkpoint.Finished is not null) entry.ForgetAt = _clock.GetUtcNow() + _settings.PassivateFinishedAfter;
            }
    }

    private void SaveSnapshot()
    {
        _rowsSinceSnapshot = 0;
        SaveSnapshot(new ChainBookSnapshot([.. _chains.Values.Where(e => e.State.IsAccepted).Select(e => e.State.ToSnapshot())]));
    }

    // ---- hand-off ----

    /// <summary>Hand-off or shutdown: every chain writes what it has applied, then the book stops once that is written.</summary>
    private void StopAfterWriting()
    {
        _stopping = true;
        foreach (var chain in _children.Keys)
            chain.Tell(StopChain.Instance);
        FinishStopping();
    }

    private void FinishStopping()
    {
        if (_children.Count > 0 || _writing) return;
        if (_writers.Count > 0)
        {
            WriteRow();
            return;
        }
        Context.Stop(Self);
    }

    private sealed class Entry(ChainState state)
    {
        public ChainState State { get; set; } = state;
        public IActorRef? Chain { get; set; }
        public DateTimeOffset? ForgetAt { get; set; }

        /// <summary>Why its tasks went where they went, as its last incarnation knew (in memory only).</summary>
        public IReadOnlyDictionary<string, TaskPlaced>? Explanations { get; set; }
    }

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }
}
