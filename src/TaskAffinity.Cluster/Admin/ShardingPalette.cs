using Akka.Actor;
using Akka.Cluster.Sharding;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>cluster-sharding</c> palette: which entity types are sharded, and where their shards and entities are.</summary>
public sealed class ShardingPalette(PaletteContext context) : IPalette
{
    private static readonly ArgSpec Type = new("type", "an entity type: chains (chain books), worker or host (default: all)", IsFlag: true);

    public PaletteSpec Spec { get; } = PaletteSpec.Of("cluster-sharding", "shard regions: regions, region-stats, shard-stats",
        CommandSpec.Of("regions", "the sharded entity types this node has a region (or proxy) for"),
        CommandSpec.Of("region-stats", "per type and node: shards and entities", Type),
        CommandSpec.Of("shard-stats", "per type, node and shard: entities", Type));

    public sealed record ShardRow(string Type, string Node, string Shard, int Entities);

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        var sharding = ClusterSharding.Get(context.System);
        var types = sharding.ShardTypeNames.Order(StringComparer.Ordinal).ToList();
        if (command.Command == "regions")
            return CommandReply.Success(new TextTable("TYPE").AddAll(types.Select(t => new object?[] { t })).ToString(), new { regions = types });

        if (command.Get("type") is { } only)
        {
            if (!types.Contains(only))
                return CommandReply.Failure($"no shard region '{only}' on this node; regions: {string.Join(", ", types)}");
            types = [only];
        }
        var shards = new List<ShardRow>();
        foreach (var type in types)
        {
            var stats = await sharding.ShardRegion(type).Ask<ClusterShardingStats>(new GetClusterShardingStats(context.Timeout), context.Timeout);
            foreach (var (node, region) in stats.Regions)
                shards.AddRange(region.Stats.Select(s => new ShardRow(type, node.ToString(), s.Key, s.Value)));
        }
        shards = [.. shards.OrderBy(s => s.Type, StringComparer.Ordinal).ThenBy(s => s.Node, StringComparer.Ordinal).ThenBy(s => s.Shard, StringComparer.Ordinal)];
        return command.Command == "region-stats" ? RegionStats(shards) : ShardStats(shards);
    }

    public static CommandReply RegionStats(IReadOnlyList<ShardRow> shards)
    {
        var regions = shards.GroupBy(s => (s.Type, s.Node))
            .Select(g => new { type = g.Key.Type, node = g.Key.Node, shards = g.Count(), entities = g.Sum(s => s.Entities) }).ToList();
        var table = new TextTable("TYPE", "NODE", "SHARDS", "ENTITIES").AddAll(regions.Select(r => new object?[] { r.type, r.node, r.shards, r.entities }));
        return CommandReply.Success(table.ToString(), new { regions });
    }

    public static CommandReply ShardStats(IReadOnlyList<ShardRow> shards)
    {
        var table = new TextTable("TYPE", "NODE", "SHARD", "ENTITIES").AddAll(shards.Select(s => new object?[] { s.Type, s.Node, s.Shard, s.Entities }));
        return CommandReply.Success(table.ToString(), new { shards });
    }
}
