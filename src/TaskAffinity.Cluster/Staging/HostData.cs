using System.Collections.Concurrent;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Staging;

/// <summary>
/// A node's input data: its <see cref="DataCache"/> in front of the <see cref="IDataSource"/>. Tasks read
/// through it (a hit costs nothing, a miss fetches and caches); the stager puts data in ahead of need.
/// One fetch per key at a time: a read that finds a staging fetch under way waits for it rather than fetching
/// again, and fetches itself if that one fails, so a failing prefetch never fails the task.
/// </summary>
public sealed class HostData
{
    private readonly IDataSource? _source;
    private readonly ConcurrentDictionary<string, Task<object?>> _inFlight = new(StringComparer.Ordinal);
    private long _lateHits, _bytesInFlight;

    public HostData(DataCacheOptions options, IDataSource? source)
    {
        Cache = new DataCache(options);
        _source = source;
    }

    public DataCache Cache { get; }

    /// <summary>Reads that missed the cache but found the data already being staged, and waited less.</summary>
    public long LateHits => Interlocked.Read(ref _lateHits);

    public long BytesInFlight => Interlocked.Read(ref _bytesInFlight);

    public int FetchesInFlight => _inFlight.Count;

    /// <summary>Cached or being fetched: nothing for the stager to do.</summary>
    public bool IsPresent(string key) => Cache.Contains(key) || _inFlight.ContainsKey(key);

    /// <summary>
    /// A task's read: the data, and a lease that pins its cache entry until disposed (no lease when the data
    /// did not fit in the cache and was read straight through).
    /// </summary>
    public async Task<(object? Value, DataLease? Lease)> ReadAsync(DataRef data, CancellationToken cancellationToken)
    {
        if (Cache.Acquire(data.Key) is { } hit) return (hit.Value, hit);
        if (_inFlight.TryGetValue(data.Key, out var staging))
        {
            try
            {
                await staging.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (Cache.Acquire(data.Key, count: false) is { } staged)
                {
                    Interlocked.Increment(ref _lateHits);
                    return (staged.Value, staged);
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // the staging fetch failed: fetch for ourselves below
            }
        }
        var value = await Source.FetchAsync(data, cancellationToken).ConfigureAwait(false);
        return Cache.TryAdd(data, value, prefetched: false, pin: true, out var lease) ? (value, lease) : (value, null);
    }

    /// <summary>Stages one item (the stager's fetch). Throws what the source throws; the stager counts and retries.</summary>
    public async Task StageAsync(DataRef data, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsPresent(data.Key)) return;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var fetch = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inFlight.TryAdd(data.Key, fetch.Task)) return; // someone else is fetching it
        Interlocked.Add(ref _bytesInFlight, data.SizeBytes);
        try
        {
            var value = await Source.FetchAsync(data, cts.Token).WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            Cache.TryAdd(data, value, prefetched: true, pin: false, out _);
            fetch.SetResult(value);
        }
        catch (Exception e)
        {
            fetch.SetException(e);
            _ = fetch.Task.Exception; // observed: readers that waited on it fetch for themselves
            throw;
        }
        finally
        {
            Interlocked.Add(ref _bytesInFlight, -data.SizeBytes);
            _inFlight.TryRemove(data.Key, out _);
        }
    }

    private IDataSource Source => _source ?? throw new InvalidOperationException(
        "no IDataSource is registered on this node: register one in DI (services.AddSingleton<IDataSource>(...)) so tasks can read their inputs");

    /// <summary>The planner's view of this host now.</summary>
    public PlannerState PlannerState() =>
        new(Cache.Options.CapacityBytes, Cache.UnusedPrefetchedBytes, BytesInFlight, FetchesInFlight, IsPresent);
}
