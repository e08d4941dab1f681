using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace TaskAffinity.Cluster.Hosting;

/// <summary>
/// Worker entities are sharded by host: worker <c>host/slot</c> is in shard <c>host</c>, so the workers of
/// one host move together and can live on the node that runs their slots (see <see cref="HomeNodeAllocation"/>).
/// </summary>
internal sealed class WorkerExtractor : IMessageExtractor
{
    // Workers are not remembered entities, and Akka.NET handles StartEntity itself.
    public string? EntityId(object message) => message is IWithWorkerId m ? m.WorkerId : null;

    public object EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message) is { } id ? HostOf(id) : null;

    public string ShardId(string entityId, object? messageHint = null) => HostOf(entityId);

    public static string HostOf(string workerId)
    {
        var slash = workerId.LastIndexOf('/');
        return slash > 0 ? workerId[..slash] : workerId;
    }
}

/// <summary>
/// Puts each worker shard (one per host) on the node that runs that host's slots, found by the node's
/// <c>host-NAME</c> role; if that node is not up (dead, leaving, not a scheduler-role node), on the region
/// with fewest shards, and back home once the node is up again.
/// </summary>
/// <remarks>
/// Why: a worker entity and its slot then live and die together. If the entity lived elsewhere and its node
/// died, an outcome its slot had just reported would be lost with it, the chain's lease would lapse and the
/// task would run a second time although its node never failed.
/// </remarks>
internal sealed class HomeNodeAllocation : IActorSystemDependentAllocationStrategy
{
    public const string HostRolePrefix = "host-"; // Akka.Hosting writes roles unquoted into HOCON: no ":"
    private const int MaxMovesPerRound = 3;
    private Akka.Cluster.Cluster? _cluster;

    public static string HostRole(string hostId) => HostRolePrefix + hostId;

    public void Start(ActorSystem system) => _cluster = Akka.Cluster.Cluster.Get(system);

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var region = HomeRegion(shardId, currentShardAllocations)
                     ?? currentShardAllocations
                         .OrderBy(r => r.Value.Count)
                         .ThenBy(r => r.Key.Equals(requester) ? 0 : 1)
                         .Select(r => r.Key)
                         .FirstOrDefault()
                     ?? requester;
        return Task.FromResult(region);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations,
        IImmutableSet<string> rebalanceInProgress)
    {
        var away = currentShardAllocations
            .SelectMany(r => r.Value.Select(shard => (Region: r.Key, Shard: shard)))
            .Where(s => !rebalanceInProgress.Contains(s.Shard))
            .Where(s => HomeRegion(s.Shard, currentShardAllocations) is { } home && !home.Equals(s.Region))
            .Select(s => s.Shard)
            .Take(Math.Max(0, MaxMovesPerRound - rebalanceInProgress.Count));
        return Task.FromResult<IImmutableSet<string>>(away.ToImmutableHashSet());
    }

    private IActorRef? HomeRegion(string hostId, IImmutableDictionary<IActorRef, IImmutableList<string>> regions)
    {
        if (_cluster is null) return null;
        var state = _cluster.State;
        var role = HostRole(hostId);
        var home = state.Members.FirstOrDefault(m => m.Status == MemberStatus.Up && m.HasRole(role) && !state.Unreachable.Contains(m));
        if (home is null) return null;
        return regions.Keys.FirstOrDefault(r => AddressOf(r) == home.Address);
    }

    // The coordinator's own region has a local path (no host and port).
    private Address AddressOf(IActorRef region) => region.Path.Address.HasGlobalScope ? region.Path.Address : _cluster!.SelfAddress;
}
