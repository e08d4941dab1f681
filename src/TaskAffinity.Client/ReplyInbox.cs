using System.Collections.Concurrent;
using Akka.Actor;
using TaskAffinity.Cluster;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Client;

/// <summary>
/// One actor per client that receives the answers to submissions sent with <see cref="SubmitChain.Watch"/>:
/// first the acknowledgement (or rejection), later the chain's end. A submit-and-wait then costs one request
/// instead of two asks, each with its own temporary actor. Answers for chains nobody waits for any more are dropped.
/// </summary>
internal sealed class ReplyInbox
{
    private readonly ConcurrentDictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);

    public ReplyInbox(ActorSystem system) =>
        Ref = system.ActorOf(Props.Create(() => new InboxActor(this)), $"client-replies-{Guid.NewGuid():N}");

    public IActorRef Ref { get; }

    /// <summary>Null when this client already waits for a chain with that id (the caller asks the plain way instead).</summary>
    public Waiter? Open(string chainId)
    {
        var waiter = new Waiter(chainId);
        return _waiters.TryAdd(chainId, waiter) ? waiter : null;
    }

    public void Close(Waiter waiter) => _waiters.TryRemove(new KeyValuePair<string, Waiter>(waiter.ChainId, waiter));

    private void Deliver(IWithChainId reply)
    {
        if (!_waiters.TryGetValue(reply.ChainId, out var waiter)) return;
        switch (reply)
        {
            case ChainAcknowledged or Rejected:
                waiter.Answer.TrySetResult(reply);
                break;
            case ChainFinished finished:
                waiter.Answer.TrySetResult(reply); // a duplicate submission of a finished chain may skip the ack
                waiter.Finished.TrySetResult(finished);
                break;
        }
    }

    internal sealed class Waiter(string chainId)
    {
        public string ChainId { get; } = chainId;

        public TaskCompletionSource<object> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ChainFinished> Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class InboxActor : ReceiveActor
    {
        public InboxActor(ReplyInbox inbox) => Receive<IWithChainId>(inbox.Deliver);
    }
}
