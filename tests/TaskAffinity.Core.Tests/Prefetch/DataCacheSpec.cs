using Shouldly;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using Xunit;

namespace TaskAffinity.Core.Tests.Prefetch;

public class DataCacheSpec
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;

    // 1 MiB holds four 256 KiB items exactly.
    private static DataCache Cache(EvictionPolicy policy = EvictionPolicy.Lru, long capacity = MiB) =>
        new(new DataCacheOptions { CapacityBytes = capacity, Policy = policy });

    private static DataRef Data(string key, long size = 256 * KiB) => new(key, size);

    private static void Add(DataCache cache, string key, long size = 256 * KiB, bool prefetched = false) =>
        cache.TryAdd(Data(key, size), value: key, prefetched, pin: false, out _).ShouldBeTrue();

    private static void Read(DataCache cache, string key)
    {
        using var lease = cache.Acquire(key);
        lease.ShouldNotBeNull();
    }

    [Fact]
    public void A_read_of_a_cached_key_is_a_hit_and_hands_over_the_value()
    {
        var cache = Cache();
        Add(cache, "a");

        using var lease = cache.Acquire("a");

        lease.ShouldNotBeNull();
        lease.Data.ShouldBe(Data("a"));
        lease.Value.ShouldBe("a");
        cache.Stats().Hits.ShouldBe(1);
    }

    [Fact]
    public void Hits_and_misses_are_counted_unless_the_read_asks_not_to_be()
    {
        var cache = Cache();
        Add(cache, "a");

        Read(cache, "a");
        Read(cache, "a");
        cache.Acquire("b").ShouldBeNull();
        cache.Acquire("b", count: false).ShouldBeNull();
        cache.Acquire("a", count: false)!.Dispose();

        var stats = cache.Stats();
        stats.Hits.ShouldBe(2);
        stats.Misses.ShouldBe(1);
        stats.HitRate.ShouldBe(2.0 / 3, tolerance: 1e-12);
    }

    [Fact]
    public void Hit_rate_and_waste_are_zero_before_anything_happens()
    {
        var stats = Cache().Stats();

        stats.HitRate.ShouldBe(0);
        stats.Waste.ShouldBe(0);
        stats.CapacityBytes.ShouldBe(MiB);
    }

    [Fact]
    public void Contains_neither_counts_nor_refreshes_recency()
    {
        var cache = Cache();
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);

        cache.Contains("a").ShouldBeTrue();
        cache.Contains("z").ShouldBeFalse();
        Add(cache, "e");

        cache.Contains("a").ShouldBeFalse();
        cache.Stats().Hits.ShouldBe(0);
        cache.Stats().Misses.ShouldBe(0);
    }

    [Fact]
    public void Lru_evicts_the_least_recently_read_entry()
    {
        var cache = Cache(EvictionPolicy.Lru);
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        Read(cache, "a");
        Read(cache, "c");

        Add(cache, "e");

        cache.Contains("b").ShouldBeFalse();
        foreach (var key in new[] { "a", "c", "d", "e" }) cache.Contains(key).ShouldBeTrue(key);
    }

    [Fact]
    public void Lfu_evicts_the_least_read_entry_even_if_it_was_read_last()
    {
        var cache = Cache(EvictionPolicy.Lfu);
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        foreach (var key in new[] { "a", "a", "a", "b", "b", "d", "d", "c" }) Read(cache, key);

        Add(cache, "e");

        cache.Contains("c").ShouldBeFalse();
    }

    [Fact]
    public void Lfu_breaks_a_tie_in_reads_by_least_recent_use()
    {
        var cache = Cache(EvictionPolicy.Lfu);
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        foreach (var key in new[] { "b", "a", "d", "c" }) Read(cache, key);

        Add(cache, "e", size: 512 * KiB);

        cache.Contains("b").ShouldBeFalse();
        cache.Contains("a").ShouldBeFalse();
        cache.Contains("d").ShouldBeTrue();
        cache.Contains("c").ShouldBeTrue();
    }

    [Fact]
    public void Eviction_frees_just_enough_room_and_counts_what_it_evicted()
    {
        var cache = Cache();
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);

        Add(cache, "big", size: 400 * KiB);

        var stats = cache.Stats();
        stats.EvictedEntries.ShouldBe(2);
        stats.EvictedBytes.ShouldBe(512 * KiB);
        stats.UsedBytes.ShouldBe(912 * KiB);
        stats.Entries.ShouldBe(3);
    }

    [Fact]
    public void An_entry_in_use_is_never_evicted()
    {
        var cache = Cache();
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        using var lease = cache.Acquire("a");
        Read(cache, "b");
        Read(cache, "c");
        Read(cache, "d");

        Add(cache, "e");

        cache.Contains("a").ShouldBeTrue();
        cache.Contains("b").ShouldBeFalse();
        cache.Stats().PinnedEntries.ShouldBe(1);
    }

    [Fact]
    public void An_item_larger_than_the_capacity_is_rejected_and_evicts_nothing()
    {
        var cache = Cache();
        Add(cache, "a");

        cache.TryAdd(Data("huge", MiB + 1), null, prefetched: true, pin: true, out var lease).ShouldBeFalse();

        lease.ShouldBeNull();
        cache.Contains("huge").ShouldBeFalse();
        cache.Contains("a").ShouldBeTrue();
        cache.Stats().ShouldBe(Cache().Stats() with { UsedBytes = 256 * KiB, Entries = 1 });
    }

    [Fact]
    public void An_item_that_fits_only_if_pinned_entries_went_is_rejected_and_evicts_nothing()
    {
        var cache = Cache();
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        using var a = cache.Acquire("a");
        using var b = cache.Acquire("b");
        using var c = cache.Acquire("c");

        cache.TryAdd(Data("e", 512 * KiB), null, prefetched: false, pin: false, out _).ShouldBeFalse();

        cache.Stats().Entries.ShouldBe(4);
        cache.Stats().EvictedEntries.ShouldBe(0);
        cache.Contains("d").ShouldBeTrue();
    }

    [Fact]
    public void An_item_exactly_the_capacity_fits_an_empty_cache()
    {
        var cache = Cache();

        cache.TryAdd(Data("all", MiB), null, prefetched: false, pin: false, out _).ShouldBeTrue();

        cache.UsedBytes.ShouldBe(MiB);
    }

    [Fact]
    public void Re_adding_a_present_key_keeps_the_existing_entry_and_can_pin_it()
    {
        var cache = Cache();
        cache.TryAdd(Data("a"), "first", prefetched: true, pin: false, out _).ShouldBeTrue();

        cache.TryAdd(Data("a", 512 * KiB), "second", prefetched: false, pin: true, out var lease).ShouldBeTrue();

        lease.ShouldNotBeNull();
        lease.Value.ShouldBe("first");
        lease.Data.SizeBytes.ShouldBe(256 * KiB);
        var stats = cache.Stats();
        stats.UsedBytes.ShouldBe(256 * KiB);
        stats.Entries.ShouldBe(1);
        stats.PinnedEntries.ShouldBe(1);
        stats.PrefetchedEntries.ShouldBe(1);
        cache.UnusedPrefetchedBytes.ShouldBe(256 * KiB);
    }

    [Fact]
    public void Adding_without_a_pin_hands_out_no_lease_and_adding_with_one_pins_the_new_entry()
    {
        var cache = Cache();

        cache.TryAdd(Data("a"), null, prefetched: false, pin: false, out var none).ShouldBeTrue();
        cache.TryAdd(Data("b"), null, prefetched: false, pin: true, out var pinned).ShouldBeTrue();

        none.ShouldBeNull();
        pinned.ShouldNotBeNull();
        cache.Stats().PinnedEntries.ShouldBe(1);
        foreach (var key in new[] { "c", "d", "e", "f" }) Add(cache, key);
        cache.Contains("b").ShouldBeTrue();
    }

    [Fact]
    public void Pins_are_counted_so_an_entry_is_evictable_only_after_every_reader_is_done()
    {
        var cache = Cache();
        foreach (var key in new[] { "a", "b", "c", "d" }) Add(cache, key);
        var first = cache.Acquire("a")!;
        var second = cache.Acquire("a")!;
        foreach (var key in new[] { "b", "c", "d" }) Read(cache, key);

        first.Dispose();
        first.Dispose(); // idempotent: must not release the second reader's pin
        Add(cache, "e");
        cache.Contains("a").ShouldBeTrue();
        cache.Stats().PinnedEntries.ShouldBe(1);

        second.Dispose();
        cache.Stats().PinnedEntries.ShouldBe(0);
        Add(cache, "f");
        cache.Contains("a").ShouldBeFalse();
    }

    [Fact]
    public void A_prefetched_entry_read_before_eviction_counts_as_used_once()
    {
        var cache = Cache();
        Add(cache, "p", prefetched: true);
        cache.UnusedPrefetchedBytes.ShouldBe(256 * KiB);

        Read(cache, "p");
        Read(cache, "p");

        var stats = cache.Stats();
        stats.PrefetchedEntries.ShouldBe(1);
        stats.PrefetchedUsedEntries.ShouldBe(1);
        stats.PrefetchedUsedBytes.ShouldBe(256 * KiB);
        cache.UnusedPrefetchedBytes.ShouldBe(0);
    }

    [Fact]
    public void A_prefetched_entry_evicted_unread_is_waste_and_a_read_one_is_not()
    {
        var cache = Cache();
        Add(cache, "used", prefetched: true);
        Add(cache, "unread", size: 768 * KiB, prefetched: true);
        Read(cache, "used");

        Add(cache, "demand", size: MiB);

        var stats = cache.Stats();
        stats.EvictedEntries.ShouldBe(2);
        stats.EvictedBytes.ShouldBe(MiB);
        stats.PrefetchedBytes.ShouldBe(MiB);
        stats.PrefetchedUsedEntries.ShouldBe(1);
        stats.PrefetchedEvictedEntries.ShouldBe(1);
        stats.PrefetchedEvictedBytes.ShouldBe(768 * KiB);
        stats.Waste.ShouldBe(0.75);
        cache.UnusedPrefetchedBytes.ShouldBe(0);
    }

    [Fact]
    public void A_demand_fetch_is_neither_prefetched_nor_waste_when_evicted()
    {
        var cache = Cache();
        Add(cache, "a", size: MiB);

        Add(cache, "b", size: MiB);

        var stats = cache.Stats();
        stats.EvictedEntries.ShouldBe(1);
        stats.PrefetchedEntries.ShouldBe(0);
        stats.PrefetchedEvictedEntries.ShouldBe(0);
        stats.Waste.ShouldBe(0);
    }

    [Fact]
    public void Default_options_have_no_problems()
    {
        DataCacheOptions.Default.Problems().ShouldBeEmpty();
        DataCacheOptions.Default.CapacityBytes.ShouldBe(1024 * MiB);
        DataCacheOptions.Default.Policy.ShouldBe(EvictionPolicy.Lru);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(MiB - 1)]
    [InlineData((1L << 40) + 1)]
    public void A_capacity_outside_one_mebibyte_to_one_tebibyte_is_a_problem_naming_the_key(long capacity)
    {
        var options = new DataCacheOptions { CapacityBytes = capacity };

        options.Problems().ShouldHaveSingleItem().ShouldBe($"capacityBytes must be in [1048576, 1099511627776], was {capacity}");
        Should.Throw<ArgumentException>(() => new DataCache(options)).Message.ShouldContain("capacityBytes");
    }

    [Theory]
    [InlineData(MiB)]
    [InlineData(1L << 40)]
    public void The_capacity_bounds_are_valid(long capacity)
    {
        new DataCacheOptions { CapacityBytes = capacity }.Problems().ShouldBeEmpty();
    }

    [Fact]
    public void An_unknown_policy_is_a_problem_naming_the_key()
    {
        new DataCacheOptions { Policy = (EvictionPolicy)7 }.Problems().ShouldHaveSingleItem().ShouldStartWith("policy");
    }

    [Fact]
    public void A_negative_size_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Cache().TryAdd(Data("a", -1), null, false, false, out _));
    }
}
