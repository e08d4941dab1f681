namespace TaskAffinity.Core.Prefetch;

/// <summary>
/// A consistent snapshot of a <see cref="DataCache"/>'s counters (all since construction) and occupancy.
/// Every prefetched byte is in exactly one of three states, so
/// PrefetchedBytes = PrefetchedUsedBytes + PrefetchedEvictedBytes + (prefetched bytes still cached and unread).
/// </summary>
/// <param name="Hits">Counted reads that found their key.</param>
/// <param name="Misses">Counted reads that did not.</param>
/// <param name="PrefetchedEntries">Entries inserted as prefetched (staged ahead of need).</param>
/// <param name="PrefetchedBytes">Their bytes.</param>
/// <param name="PrefetchedUsedEntries">Prefetched entries read at least once.</param>
/// <param name="PrefetchedUsedBytes">Their bytes.</param>
/// <param name="PrefetchedEvictedEntries">Prefetched entries evicted before any read: wasted fetches.</param>
/// <param name="PrefetchedEvictedBytes">Their bytes.</param>
/// <param name="EvictedEntries">All evicted entries, the wasted prefetches included.</param>
/// <param name="EvictedBytes">Their bytes.</param>
/// <param name="UsedBytes">Bytes held now.</param>
/// <param name="CapacityBytes">The bound on <paramref name="UsedBytes"/>.</param>
/// <param name="Entries">Entries held now.</param>
/// <param name="PinnedEntries">Entries held now with at least one open lease.</param>
public sealed record DataCacheStats(long Hits, long Misses, long PrefetchedEntries, long PrefetchedBytes,
    long PrefetchedUsedEntries, long PrefetchedUsedBytes, long PrefetchedEvictedEntries, long PrefetchedEvictedBytes,
    long EvictedEntries, long EvictedBytes, long UsedBytes, long CapacityBytes, int Entries, int PinnedEntries)
{
    /// <summary>hitRate = hits / (hits + misses); 0 before the first counted read.</summary>
    public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

    /// <summary>
    /// waste = prefetchedEvictedBytes / prefetchedBytes: the share of prefetched bytes fetched for nothing;
    /// 0 when nothing was prefetched. Bytes still cached and unread are not waste yet.
    /// </summary>
    public double Waste => PrefetchedBytes == 0 ? 0 : (double)PrefetchedEvictedBytes / PrefetchedBytes;
}
