namespace TaskAffinity.Core.Prefetch;

/// <summary>Which unpinned entry a full <see cref="DataCache"/> gives up first.</summary>
public enum EvictionPolicy
{
    /// <summary>Least recently used (read or inserted) first: suits a working set that moves.</summary>
    Lru,

    /// <summary>
    /// Fewest reads first, ties by least recently used: keeps data many tasks share even when a burst of
    /// one-off reads passes through. Counts never decay, so a once-popular key stays until it is the least read.
    /// </summary>
    Lfu,
}

/// <summary>The knobs of <see cref="DataCache"/>, each with its default and valid range (see <see cref="Problems"/>).</summary>
public sealed record DataCacheOptions
{
    public const long MinCapacityBytes = 1L << 20;
    public const long MaxCapacityBytes = 1L << 40;

    public static readonly DataCacheOptions Default = new();

    /// <summary>Bytes the cache may hold, never exceeded. Valid 1 MiB .. 1 TiB; default 256 MiB.</summary>
    public long CapacityBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Which entry goes first when room is needed; default <see cref="EvictionPolicy.Lru"/>.</summary>
    public EvictionPolicy Policy { get; init; } = EvictionPolicy.Lru;

    /// <summary>Everything wrong with these options, each message naming the key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CapacityBytes is < MinCapacityBytes or > MaxCapacityBytes)
            problems.Add($"capacityBytes must be in [{MinCapacityBytes}, {MaxCapacityBytes}], was {CapacityBytes}");
        if (!Enum.IsDefined(Policy))
            problems.Add($"policy must be one of {string.Join(", ", Enum.GetNames<EvictionPolicy>())}, was {(int)Policy}");
        return problems;
    }
}
