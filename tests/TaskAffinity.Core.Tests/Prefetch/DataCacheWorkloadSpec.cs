using Shouldly;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prefetch;

/// <summary>
/// A seeded random mix of adds, reads and lease disposals, checking the cache's invariants after every step
/// against a model that knows each key's fixed size and which keys are pinned.
/// </summary>
public class DataCacheWorkloadSpec
{
    private const long KiB = 1024;
    private const long Capacity = 4 * 1024 * KiB;
    private const int Keys = 300;
    private const int Steps = 20_000;

    [Theory]
    [InlineData(EvictionPolicy.Lru, 1)]
    [InlineData(EvictionPolicy.Lru, 2)]
    [InlineData(EvictionPolicy.Lfu, 1)]
    [InlineData(EvictionPolicy.Lfu, 2)]
    public void The_cache_never_exceeds_its_byte_bound_nor_evicts_a_pinned_entry(EvictionPolicy policy, int seed)
    {
        var random = new Random(seed);
        var cache = new DataCache(new DataCacheOptions { CapacityBytes = Capacity, Policy = policy });
        // Sizes 1 KiB .. 600 KiB, a few of them larger than the whole cache.
        var sizes = Enumerable.Range(0, Keys).Select(i => i % 97 == 0 ? Capacity + 1 : random.Next(1, 600) * KiB).ToArray();
        var leases = new List<(int Key, DataLease Lease)>();
        long rejected = 0;

        for (var step = 0; step < Steps; step++)
        {
            var key = Skewed(random);
            var roll = random.NextDouble();
            if (roll < 0.4)
            {
                var pin = random.NextDouble() < 0.2;
                if (cache.TryAdd(new DataRef(Name(key), sizes[key]), key, prefetched: random.NextDouble() < 0.5, pin, out var lease))
                {
                    if (lease is not null) leases.Add((key, lease));
                }
                else
                {
                    rejected++;
                }
            }
            else if (roll < 0.8)
            {
                if (cache.Acquire(Name(key)) is { } lease) leases.Add((key, lease));
            }
            else if (leases.Count > 0)
            {
                var at = random.Next(leases.Count);
                leases[at].Lease.Dispose();
                leases.RemoveAt(at);
            }

            // Keep the pinned share bounded so adds keep succeeding and evicting.
            while (leases.Count > 6)
            {
                leases[0].Lease.Dispose();
                leases.RemoveAt(0);
            }

            AssertInvariants(cache, sizes, leases, step);
        }

        var stats = cache.Stats();
        stats.EvictedEntries.ShouldBeGreaterThan(1000, "the workload should exercise eviction");
        stats.PrefetchedEvictedEntries.ShouldBeGreaterThan(0);
        stats.PrefetchedUsedEntries.ShouldBeGreaterThan(0);
        rejected.ShouldBeGreaterThan(0, "the workload should exercise rejection");
    }

    private static void AssertInvariants(DataCache cache, long[] sizes, List<(int Key, DataLease Lease)> leases, int step)
    {
        var stats = cache.Stats();
        stats.UsedBytes.ShouldBeLessThanOrEqualTo(Capacity, $"step {step}");

        // Used bytes are exactly the sizes of the keys present.
        long present = 0;
        var entries = 0;
        for (var key = 0; key < sizes.Length; key++)
        {
            if (!cache.Contains(Name(key))) continue;
            present += sizes[key];
            entries++;
        }

        stats.UsedBytes.ShouldBe(present, $"step {step}");
        stats.Entries.ShouldBe(entries, $"step {step}");

        var pinned = leases.Select(l => l.Key).Distinct().ToList();
        foreach (var key in pinned) cache.Contains(Name(key)).ShouldBeTrue($"pinned key {key} evicted at step {step}");
        stats.PinnedEntries.ShouldBe(pinned.Count, $"step {step}");

        // Every prefetched byte is used, evicted unread, or still cached unread.
        var unread = cache.UnusedPrefetchedBytes;
        unread.ShouldBeInRange(0, stats.UsedBytes);
        (stats.PrefetchedUsedBytes + stats.PrefetchedEvictedBytes + unread).ShouldBe(stats.PrefetchedBytes, $"step {step}");
    }

    // Low keys are hot, so reads hit often enough for LRU and LFU to differ.
    private static int Skewed(Random random) => (int)(Keys * Math.Pow(random.NextDouble(), 2));

    private static string Name(int key) => $"block-{key}";
}
