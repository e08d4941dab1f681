using System.Collections.Immutable;
using Akka.Actor;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// One per scheduler node: sends the answers of its chains to client inboxes that take them together
/// (<see cref="SubmitChain.Batched"/>), those waiting for the same inbox in one <see cref="ChainReplies"/>.
/// When few come each goes alone at once; under load those of a millisecond go together (see <see cref="FlushTimer"/>),
/// one remote message for many where each had cost its own envelope and serialization.
/// </summary>
internal sealed class ReplyBatcher : UntypedActor
{
    private readonly Dictionary<IActorRef, List<IWithChainId>> _waiting = new();
    private readonly FlushTimer _timer = new(Flush.Instance);

    /// <summary>Send <see cref="Reply"/> to <see cref="To"/> with the others waiting for it.</summary>
    public sealed record Send(IActorRef To, IWithChainId Reply);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Send send:
                if (!_waiting.TryGetValue(send.To, out var replies))
                    _waiting[send.To] = replies = [];
                replies.Add(send.Reply);
                if (replies.Count >= FlushTimer.MaxBatch)
                {
                    send.To.Tell(Together(replies));
                    _waiting.Remove(send.To);
                    _timer.Flushed();
                    return;
                }
                _timer.Schedule(Self);
                break;
            case Flush:
                _timer.Arrived();
                foreach (var (to, waiting) in _waiting)
                    to.Tell(waiting.Count == 1 ? waiting[0] : Together(waiting));
                _waiting.Clear();
                _timer.Flushed();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private static ChainReplies Together(List<IWithChainId> replies) => new(
        [.. replies.OfType<ChainAcknowledged>()], [.. replies.OfType<Rejected>()], [.. replies.OfType<ChainFinished>()]);

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }
}
