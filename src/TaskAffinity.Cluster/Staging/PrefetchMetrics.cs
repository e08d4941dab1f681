using System.Collections.Immutable;
using TaskAffinity.Core.Prefetch;

namespace TaskAffinity.Cluster.Staging;

/// <summary>
/// The node's prefetch counters, from the slots (what ran from a buffer and how long it waited there), the
/// worker entities hosted here (tasks given back, refusals) and the stager (fetches). Thread-safe; read as a
/// <see cref="PrefetchReport"/> together with the cache's own counters.
/// </summary>
public sealed class PrefetchMetrics
{
    private readonly object _lock = new();
    private long _tasksRun, _fromBuffer, _bufferWaitTicks, _occupancySum, _occupancySamples;
    private long _refusals, _expired, _released;
    private long _stageRequested, _fetches, _retries, _fetched, _fetchedBytes, _failures, _gaveUp;
    private readonly Dictionary<SkipReason, long> _skipped = new();
    // Counted in place on every task start (a hot path): records are made only when read.
    private readonly SortedDictionary<string, WorkerCounts> _workers = new(StringComparer.Ordinal);

    private sealed class WorkerCounts
    {
        public long TasksRun, FromBuffer, Refusals;
    }

    private WorkerCounts CountsOf(string workerId)
    {
        if (!_workers.TryGetValue(workerId, out var counts)) _workers[workerId] = counts = new WorkerCounts();
        return counts;
    }

    /// <summary>A slot started a task: whether it came from the buffer, how long it waited there, how full the buffer was.</summary>
    public void TaskStarted(string workerId, bool fromBuffer, TimeSpan waited, int occupancy)
    {
        lock (_lock)
        {
            var worker = CountsOf(workerId);
            worker.TasksRun++;
            if (fromBuffer) worker.FromBuffer++;
            _tasksRun++;
            if (fromBuffer)
            {
                _fromBuffer++;
                _bufferWaitTicks += waited.Ticks;
            }
            _occupancySum += occupancy;
            _occupancySamples++;
        }
    }

    public void Refused(string workerId)
    {
        lock (_lock)
        {
            CountsOf(workerId).Refusals++;
            _refusals++;
        }
    }

    /// <summary>Per worker whose slot or entity is on this node: tasks run, how many came from the buffer, refusals.</summary>
    public ImmutableArray<WorkerPrefetch> Workers()
    {
        lock (_lock) return [.. _workers.Select(w => new WorkerPrefetch(w.Key, w.Value.TasksRun, w.Value.FromBuffer, w.Value.Refusals))];
    }

    /// <summary>A buffered task went back to its chain: it waited too long, or an idle worker took it.</summary>
    public void ReturnedFromBuffer(bool expired)
    {
        if (expired) Interlocked.Increment(ref _expired);
        else Interlocked.Increment(ref _released);
    }

    public void StageRequested(int candidates) => Interlocked.Add(ref _stageRequested, candidates);

    public void StageSkipped(SkipReason reason)
    {
        lock (_lock) _skipped[reason] = _skipped.GetValueOrDefault(reason) + 1;
    }

    public void FetchStarted(int attempt)
    {
        Interlocked.Increment(ref _fetches);
        if (attempt > 1) Interlocked.Increment(ref _retries);
    }

    public void FetchSucceeded(long bytes)
    {
        Interlocked.Increment(ref _fetched);
        Interlocked.Add(ref _fetchedBytes, bytes);
    }

    public void FetchFailed() => Interlocked.Increment(ref _failures);

    public void FetchGaveUp()
    {
        Interlocked.Increment(ref _failures);
        Interlocked.Increment(ref _gaveUp);
    }

    public PrefetchReport Report(HostData data)
    {
        lock (_lock)
        {
            return new PrefetchReport(data.Cache.Stats(), data.LateHits,
                _tasksRun, _fromBuffer, _fromBuffer == 0 ? 0 : TimeSpan.FromTicks(_bufferWaitTicks / _fromBuffer).TotalMilliseconds,
                _occupancySamples == 0 ? 0 : (double)_occupancySum / _occupancySamples,
                _refusals, Interlocked.Read(ref _expired), Interlocked.Read(ref _released),
                Interlocked.Read(ref _stageRequested), Interlocked.Read(ref _fetches), Interlocked.Read(ref _retries),
                Interlocked.Read(ref _fetched), Interlocked.Read(ref _fetchedBytes), Interlocked.Read(ref _failures), Interlocked.Read(ref _gaveUp),
                _skipped.ToImmutableDictionary(kv => kv.Key.ToString(), kv => kv.Value));
        }
    }
}

/// <summary>Prefetch counters of one worker.</summary>
public sealed record WorkerPrefetch(string WorkerId, long TasksRun, long FromBuffer, long Refusals);

/// <summary>
/// What prefetching did on one node. Hit rate and waste come from the cache: hits over reads, and bytes
/// prefetched but evicted unread over bytes prefetched.
/// </summary>
public sealed record PrefetchReport(
    DataCacheStats Cache, long LateHits,
    long TasksRun, long TasksFromBuffer, double MeanBufferWaitMs, double MeanBufferOccupancy,
    long Refusals, long ReturnedExpired, long ReturnedToIdle,
    long StageRequested, long Fetches, long Retries, long Fetched, long FetchedBytes, long FetchFailures, long GaveUp,
    ImmutableDictionary<string, long> Skipped) : ITaskAffinityMessage
{
    public double HitRate => Cache.HitRate;

    public double Waste => Cache.Waste;
}
