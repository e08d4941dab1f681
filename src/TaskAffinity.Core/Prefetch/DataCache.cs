using System.Diagnostics;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prefetch;

/// <summary>
/// A host's cache of task input data, bounded in bytes and thread-safe (one lock). It also keeps the books
/// prefetching is judged by: which prefetched entries were read before eviction (useful) and which were not
/// (waste), and how many bytes are prefetched but still unread (what the planner budgets against).
/// </summary>
/// <remarks>
/// Only reads (<see cref="Acquire"/>) count as use for LRU and LFU; an insert starts an entry at zero reads
/// and as the most recent. Entries pinned by an open <see cref="DataLease"/> are never evicted: they are kept
/// out of the eviction order while pinned, so finding a victim never skips over them and every operation is
/// O(log n).
/// </remarks>
public sealed class DataCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Unpinned entries, next victim first. An entry's sort key (reads, last use) is changed only while it is
    // out of this set (pinned), as a SortedSet cannot re-sort an element in place.
    private readonly SortedSet<Entry> _evictable;

    // Logical time: +1 per insert or read. Unique per stamp, so it breaks every tie in the eviction order.
    private long _clock;

    private long _usedBytes;
    private long _pinnedBytes;
    private int _pinnedEntries;
    private long _unusedPrefetchedBytes;

    private long _hits;
    private long _misses;
    private long _prefetchedEntries;
    private long _prefetchedBytes;
    private long _prefetchedUsedEntries;
    private long _prefetchedUsedBytes;
    private long _prefetchedEvictedEntries;
    private long _prefetchedEvictedBytes;
    private long _evictedEntries;
    private long _evictedBytes;

    public DataCache(DataCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        Options = options;
        _evictable = new SortedSet<Entry>(options.Policy == EvictionPolicy.Lfu ? LfuOrder.Instance : LruOrder.Instance);
    }

    public DataCacheOptions Options { get; }

    public long UsedBytes
    {
        get { lock (_gate) return _usedBytes; }
    }

    /// <summary>Bytes of entries that were prefetched and not yet read (what the planner budgets against).</summary>
    public long UnusedPrefetchedBytes
    {
        get { lock (_gate) return _unusedPrefetchedBytes; }
    }

    /// <summary>Whether the key is cached; no counting, no recency change.</summary>
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate) return _entries.ContainsKey(key);
    }

    /// <summary>
    /// A task's read. Hit: counts a hit (unless <paramref name="count"/> is false), touches recency and
    /// frequency, pins the entry and returns a lease; the first read of a prefetched entry counts it as
    /// prefetched-and-used. Miss: counts a miss (unless <paramref name="count"/> is false) and returns null.
    /// </summary>
    /// <remarks><paramref name="count"/> only silences the hit/miss counters; an uncounted hit is still a read.</remarks>
    public DataLease? Acquire(string key, bool count = true)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (count) _misses++;
                return null;
            }

            if (count) _hits++;
            if (entry.IsUnreadPrefetch)
            {
                _prefetchedUsedEntries++;
                _prefetchedUsedBytes += entry.Data.SizeBytes;
                _unusedPrefetchedBytes -= entry.Data.SizeBytes;
            }

            Pin(entry); // first, so the entry is out of the eviction order before its sort key changes
            entry.Reads++;
            entry.LastUse = ++_clock;
            return new DataLease(this, entry);
        }
    }

    /// <summary>
    /// Inserts data just fetched (<paramref name="prefetched"/> = staged ahead of need; a demand fetch is not).
    /// Evicts unpinned entries by the policy until it fits; never evicts a pinned entry. Returns false (and
    /// stores and evicts nothing) when it cannot fit: larger than capacity, or pinned entries leave no room.
    /// If the key is already present it keeps the existing entry untouched (no recency, read or prefetch change)
    /// and returns true. When <paramref name="pin"/> is true and it returns true, <paramref name="lease"/> is a
    /// pinned lease on the (new or existing) entry, else null.
    /// </summary>
    public bool TryAdd(DataRef data, object? value, bool prefetched, bool pin, out DataLease? lease)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(data.Key, nameof(data) + ".Key");
        ArgumentOutOfRangeException.ThrowIfNegative(data.SizeBytes, nameof(data) + ".SizeBytes");
        lease = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(data.Key, out var existing))
            {
                if (pin) lease = PinAndLease(existing);
                return true;
            }

            if (!MakeRoom(data.SizeBytes)) return false;

            var entry = new Entry(data, value, prefetched) { LastUse = ++_clock };
            _entries.Add(data.Key, entry);
            _usedBytes += data.SizeBytes;
            if (prefetched)
            {
                _prefetchedEntries++;
                _prefetchedBytes += data.SizeBytes;
                _unusedPrefetchedBytes += data.SizeBytes;
            }

            if (pin) lease = PinAndLease(entry);
            else _evictable.Add(entry);
            Debug.Assert(_usedBytes <= Options.CapacityBytes, "the cache exceeded its capacity");
            return true;
        }
    }

    public DataCacheStats Stats()
    {
        lock (_gate)
        {
            return new DataCacheStats(_hits, _misses, _prefetchedEntries, _prefetchedBytes,
                _prefetchedUsedEntries, _prefetchedUsedBytes, _prefetchedEvictedEntries, _prefetchedEvictedBytes,
                _evictedEntries, _evictedBytes, _usedBytes, Options.CapacityBytes, _entries.Count, _pinnedEntries);
        }
    }

    /// <summary>Called by <see cref="DataLease.Dispose"/>, once per lease.</summary>
    internal void Unpin(Entry entry)
    {
        lock (_gate)
        {
            Debug.Assert(entry.Pins > 0, "unpinned more often than pinned");
            if (--entry.Pins > 0) return;
            _pinnedEntries--;
            _pinnedBytes -= entry.Data.SizeBytes;
            _evictable.Add(entry);
        }
    }

    private DataLease PinAndLease(Entry entry)
    {
        Pin(entry);
        return new DataLease(this, entry);
    }

    // Pins are reference-counted: the first takes the entry out of the eviction order, the last (Unpin) puts it back.
    private void Pin(Entry entry)
    {
        if (entry.Pins++ > 0) return;
        _evictable.Remove(entry); // a no-op for an entry being inserted pinned
        _pinnedEntries++;
        _pinnedBytes += entry.Data.SizeBytes;
    }

    /// <summary>Evicts by the policy until <paramref name="size"/> more bytes fit, or evicts nothing and returns false if they never can.</summary>
    private bool MakeRoom(long size)
    {
        var capacity = Options.CapacityBytes;
        var excess = _usedBytes + size - capacity;
        if (excess <= 0) return true;
        // Checked up front so a failed insert does not throw away entries for nothing.
        // evictable bytes = used − pinned; an item larger than the capacity always fails here.
        if (_usedBytes - _pinnedBytes < excess) return false;

        while (_usedBytes + size > capacity)
            Evict(_evictable.Min!);
        return true;
    }

    private void Evict(Entry entry)
    {
        var size = entry.Data.SizeBytes;
        _evictable.Remove(entry);
        _entries.Remove(entry.Data.Key);
        _usedBytes -= size;
        _evictedEntries++;
        _evictedBytes += size;
        if (entry.IsUnreadPrefetch)
        {
            _prefetchedEvictedEntries++;
            _prefetchedEvictedBytes += size;
            _unusedPrefetchedBytes -= size;
        }
    }

    internal sealed class Entry(DataRef data, object? value, bool prefetched)
    {
        public DataRef Data { get; } = data;
        public object? Value { get; } = value;
        public bool Prefetched { get; } = prefetched;
        public long Reads { get; set; }
        public long LastUse { get; set; }
        public int Pins { get; set; }

        /// <summary>Staged ahead of need and not read yet: waste if evicted now.</summary>
        public bool IsUnreadPrefetch => Prefetched && Reads == 0;
    }

    // LRU: oldest last use first. Last-use stamps are unique, so distinct entries never compare equal.
    private sealed class LruOrder : IComparer<Entry>
    {
        public static readonly LruOrder Instance = new();

        public int Compare(Entry? x, Entry? y) => x!.LastUse.CompareTo(y!.LastUse);
    }

    // LFU: fewest reads first, ties by oldest last use.
    private sealed class LfuOrder : IComparer<Entry>
    {
        public static readonly LfuOrder Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            var byReads = x!.Reads.CompareTo(y!.Reads);
            return byReads != 0 ? byReads : x.LastUse.CompareTo(y.LastUse);
        }
    }
}
