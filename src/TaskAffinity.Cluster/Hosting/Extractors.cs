using Akka.Cluster.Sharding;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>Routes messages to entities by the id their marker interface carries.</summary>
internal sealed class EntityExtractor<TMarker>(Func<TMarker, string> id, int shards = EntityExtractor<TMarker>.DefaultShards)
    : HashCodeMessageExtractor(shards)
{
    // Ten shards per expected node of a mid-size cluster: enough to rebalance, few enough to recover quickly.
    public const int DefaultShards = 100;

    public override string? EntityId(object message) => message is TMarker m ? id(m) : null;
}

/// <summary>
/// Routes a chain's messages to its book (see <see cref="Chains.ChainBook"/>), and an operator's to the book
/// named. Each book is a shard of its own, so books, not chains, are what sharding places and moves.
/// </summary>
internal sealed class ChainBookExtractor(int books) : IMessageExtractor
{
    public string? EntityId(object message) => message switch
    {
        IWithChainId chain => Chains.ChainBookProtocol.BookOf(chain.ChainId, books),
        Chains.IWithBookId book => book.BookId,
        _ => null,
    };

    public object EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message);

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
