using System.Collections.Immutable;
using TaskAffinity.Core;

namespace TaskAffinity.Cluster.Chains;

/// <summary>Routed to the chain book with this id (see <see cref="ChainBook"/>).</summary>
public interface IWithBookId : ITaskAffinityMessage
{
    string BookId { get; }
}

/// <summary>What a chain book stores, what its chains say to it, and what operators ask it.</summary>
public static class ChainBookProtocol
{
    /// <summary>The book that holds a chain: fixed by the chain id and the number of books.</summary>
    public static string BookOf(string chainId, int books) => $"book-{StableHash.Of(chainId) % (uint)books}";

    // ---- stored ----

    /// <summary>
    /// One journal row of a book: the submissions and checkpoints of its chains that were waiting while the
    /// previous row was written. Applied submissions first, then checkpoints in the order they came (a chain's
    /// checkpoint is only ever written after its submission was, so never in the same row).
    /// </summary>
    public sealed record ChainsWritten(ImmutableArray<ChainAccepted> Accepted, ImmutableArray<ChainCheckpoint> Checkpoints) : ITaskAffinityMessage;

    /// <summary>Every chain a book holds (running, or finished and still kept), as of the snapshot's sequence number.</summary>
    public sealed record ChainBookSnapshot(ImmutableArray<ChainSnapshot> Chains) : ITaskAffinityMessage;

    // ---- from operators ----

    /// <summary>Which chains the book holds in memory; answered with <see cref="BookChains"/>.</summary>
    public sealed record ListChains(string BookId) : IWithBookId;

    public sealed record BookChains(string BookId, ImmutableArray<string> ChainIds) : ITaskAffinityMessage;

    // ---- between a book and its chains (one process: never serialized) ----

    /// <summary>
    /// A chain asks its book to write its submission or a checkpoint; answered with <see cref="Written"/>.
    /// <paramref name="After"/> is the chain's state with the event applied: once it is written the book keeps
    /// that (states are immutable), rather than applying the event a second time.
    /// </summary>
    internal sealed record Write(IChainEvent Event, long Token, ChainState After);

    internal sealed record Written(long Token);

    /// <summary>
    /// A chain has nothing more to do (it finished, or was never accepted), with why its tasks went where they
    /// went: the book keeps that with a finished chain for status queries. The chain no longer changes it.
    /// </summary>
    internal sealed record Idle(string ChainId, IReadOnlyDictionary<string, ChainProtocol.TaskPlaced>? Explanations);

    /// <summary>The book's answer to <see cref="Idle"/>, after every message it had sent that chain.</summary>
    internal sealed class StopIdle
    {
        public static readonly StopIdle Instance = new();
    }
}
