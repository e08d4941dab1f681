using System.Collections.Concurrent;
using Akka.Actor;
using TaskAffinity.Cluster;
using TaskAffinity.Cluster.Chains;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Client;

/// <summary>
/// One actor per client that sends submissions made with <see cref="SubmitChain.Watch"/> and receives their
/// answers: first the acknowledgement (or rejection), later the chain's end. A submit-and-wait then costs one
/// request instead of two asks, each with its own temporary actor. Answers for chains nobody waits for any more
/// are dropped.
/// </summary>
/// <remarks>
/// Submissions made within a millisecond of each other go in one message (<see cref="SubmitChains"/>, see
/// <see cref="FlushTimer"/>), and the node answers them together too (<see cref="SubmitChain.Batched"/>): an
/// application with many chains in flight pays one remote message for many where each had cost its own. A
/// submission made when none went for a millisecond goes at once, as it is.
/// </remarks>
internal sealed class ReplyInbox
{
    private readonly ConcurrentDictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);

    public ReplyInbox(ActorSystem system, IActorRef router) =>
        Ref = system.ActorOf(Props.Create(() => new InboxActor(this, router)), $"client-replies-{Guid.NewGuid():N}");

    public IActorRef Ref { get; }

    /// <summary>Sends the submission (with others waiting to go); its answers come to this inbox.</summary>
    public void Send(SubmitChain submit) => Ref.Tell(submit with { Watch = true, Batched = true });

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

    private sealed class InboxActor(ReplyInbox inbox, IActorRef router) : UntypedActor
    {
        private readonly List<SubmitChain> _outgoing = [];
        private readonly FlushTimer _timer = new(Flush.Instance);

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case SubmitChain submit:
                    _outgoing.Add(submit);
                    if (_outgoing.Count >= FlushTimer.MaxBatch) Send();
                    else _timer.Schedule(Self);
                    break;
                case Flush:
                    _timer.Arrived();
                    Send();
                    break;
                case ChainReplies replies:
                    foreach (var reply in replies.All())
                        inbox.Deliver(reply);
                    break;
                case IWithChainId reply:
                    inbox.Deliver(reply);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void Send()
        {
            if (_outgoing.Count == 0) return; // a full batch went before the flush came
            router.Tell(_outgoing.Count == 1 ? _outgoing[0] : new SubmitChains([.. _outgoing]));
            _outgoing.Clear();
            _timer.Flushed();
        }
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }
}
