using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prefetch;

/// <summary>
/// A pinned entry handed to a reader: while any lease on an entry is open the cache cannot evict it, so the
/// reader never loses its data mid-task. Dispose unpins; it is idempotent, so a double dispose cannot release
/// another reader's pin. Data and Value stay readable after dispose (the reader already holds them).
/// </summary>
public sealed class DataLease : IDisposable
{
    private readonly DataCache _cache;
    private readonly DataCache.Entry _entry;
    private int _disposed;

    internal DataLease(DataCache cache, DataCache.Entry entry)
    {
        _cache = cache;
        _entry = entry;
    }

    public DataRef Data => _entry.Data;

    public object? Value => _entry.Value;

    public void Dispose()
    {
        // Interlocked so two threads disposing the same lease unpin once.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _cache.Unpin(_entry);
    }
}
