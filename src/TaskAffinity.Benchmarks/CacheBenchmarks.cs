using BenchmarkDotNet.Attributes;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Benchmarks;

/// <summary>
/// The host data cache on a task's read path: a hit (acquire and release the pin), a miss, and an insert that
/// evicts, with LRU and LFU, over 10,000 cached entries. Every task read takes this lock once or twice.
/// </summary>
[MemoryDiagnoser]
public class CacheBenchmarks
{
    private const int Entries = 10_000;
    private DataCache _cache = null!;
    private DataRef[] _cached = [];
    private DataRef[] _fresh = [];
    private int _next;

    [Params(EvictionPolicy.Lru, EvictionPolicy.Lfu)]
    public EvictionPolicy Policy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Room for exactly the cached set, so every insert of a fresh item evicts one.
        _cache = new DataCache(new DataCacheOptions { CapacityBytes = Entries * 1024L * 1024, Policy = Policy });
        _cached = [.. Enumerable.Range(0, Entries).Select(i => new DataRef($"vol-{i % 64:D2}/snap-{i}/index", 1024 * 1024))];
        _fresh = [.. Enumerable.Range(0, 1 << 16).Select(i => new DataRef($"fresh/{i}", 1024 * 1024))];
        foreach (var data in _cached)
            _cache.TryAdd(data, null, prefetched: false, pin: false, out _);
    }

    [Benchmark(Baseline = true)]
    public bool Hit()
    {
        using var lease = _cache.Acquire(_cached[_next++ % Entries].Key);
        return lease is not null;
    }

    [Benchmark]
    public bool Miss() => _cache.Acquire("absent/" + (_next++ & 7)) is null;

    [Benchmark]
    public bool InsertEvicting() => _cache.TryAdd(_fresh[_next++ & 0xFFFF], null, prefetched: true, pin: false, out _);
}
