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
