using Akka.Actor;
using static TaskAffinity.Cluster.Chains.ChainBookProtocol;
using static TaskAffinity.Cluster.Scheduling.SchedulerProtocol;

namespace TaskAffinity.Cluster.Chains;

/// <summary>What a chain asks of its book: writes, going idle, and stopping once what it applied is written.</summary>
internal sealed partial class ChainEntity
{
    /// <summary>
    /// Tells the book this chain is idle. From then on messages that reach it go back to the book, which
    /// hands them to the next incarnation, so that nothing (a submission above all) is handled by one about
    /// to stop; the book stops it once it has every message sent to it before.
    /// </summary>
    private void PassivateSelf()
    {
        Timers.CancelAll();
        Context.Parent.Tell(new Idle(_state.ChainId, _explanations.Count > 0 ? _explanations : null));
        _phase = Phase.Idle;
    }

    /// <summary>Asks the book to write an event, <paramref name="after"/> being this chain's state with it applied; <paramref name="then"/> runs once it is written.</summary>
    private void Write(IChainEvent e, ChainState after, Action then)
    {
        var token = ++_nextWrite;
        _writes[token] = then;
        Context.Parent.Tell(new Write(e, token, after));
    }

    private void OnWritten(Written written)
    {
        if (_writes.Remove(written.Token, out var then)) then();
        if (_stopWhenWritten && _writes.Count == 0) Context.Stop(Self);
    }

    /// <summary>Hand-off or shutdown: what is applied gets written before the chain stops.</summary>
    private void StopAfterWriting()
    {
        if (_state.IsAccepted) _scheduler.Tell(new WithdrawChain(_state.ChainId));
        WriteCheckpoint();
        _stopWhenWritten = true;
        if (_writes.Count == 0) Context.Stop(Self);
    }
}
