using System.Globalization;
using MathNet.Numerics.Statistics;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Staging;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Node.Demo;

/// <summary>The demo's summary: counts, prefetch figures, task latency percentiles (ready to recorded) and throughput.</summary>
internal sealed record DemoReport(
    DemoWorkload Workload, int ChainsSubmitted, int ChainsAcknowledged, int ChainsRejected, int ChainsCompleted, int ChainsFailed,
    int TasksSubmitted, int TasksCompleted, int TasksFailed, int TasksCancelled, int TasksRetried,
    double[] LatenciesMs, TimeSpan Elapsed, PrefetchReport Prefetch)
{
    /// <summary>Acknowledged chains that never reached an end: what "nothing accepted is lost" forbids.</summary>
    public int LostChains => ChainsAcknowledged - ChainsCompleted - ChainsFailed;

    public int LostTasks => TasksSubmitted - TasksCompleted - TasksFailed - TasksCancelled;

    public static DemoReport From(DemoWorkload workload, int submitted, int acknowledged, int rejected, int tasksSubmitted,
        IReadOnlyList<ChainFinished> finished, TimeSpan elapsed, PrefetchReport prefetch)
    {
        var tasks = finished.SelectMany(c => c.Tasks).ToList();
        return new DemoReport(workload, submitted, acknowledged, rejected,
            finished.Count(c => c.Phase == ChainPhase.Completed), finished.Count(c => c.Phase == ChainPhase.Failed),
            tasksSubmitted, tasks.Count(t => t.Phase == TaskPhase.Succeeded), tasks.Count(t => t.Phase == TaskPhase.Failed),
            tasks.Count(t => t.Phase == TaskPhase.Cancelled), tasks.Count(t => t.Attempts > 1),
            [.. tasks.Where(t => t.Phase == TaskPhase.Succeeded).Select(t => t.LatencyMs)], elapsed, prefetch);
    }

    public void Print(TextWriter output)
    {
        string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        double Q(double tau) => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs.Quantile(tau);
        output.WriteLine();
        output.WriteLine($"summary (seed {Workload.Seed}, {Workload.Sessions} sessions)");
        output.WriteLine($"chains: submitted {ChainsSubmitted}  acknowledged {ChainsAcknowledged}  rejected {ChainsRejected}  completed {ChainsCompleted}  failed {ChainsFailed}  lost {LostChains}");
        output.WriteLine($"tasks: submitted {TasksSubmitted}  completed {TasksCompleted}  failed {TasksFailed}  cancelled {TasksCancelled}  retried {TasksRetried}  lost {LostTasks}");
        string P(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        string Mb(long bytes) => (bytes / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture);
        var p = Prefetch;
        var c = p.Cache;
        output.WriteLine($"prefetch hit rate: {P(p.HitRate)}  waste: {P(p.Waste)}");
        output.WriteLine($"prefetch: {(Workload.Prefetch ? "on" : "off")}  reads {c.Hits + c.Misses} (hits {c.Hits}, misses {c.Misses} of which {p.LateHits} joined a fetch under way)  " +
                         $"staged {p.Fetched} items {Mb(p.FetchedBytes)} MB, used {c.PrefetchedUsedEntries}, evicted unread {c.PrefetchedEvictedEntries} ({Mb(c.PrefetchedEvictedBytes)} MB), " +
                         $"unread at end {Mb(c.PrefetchedBytes - c.PrefetchedUsedBytes - c.PrefetchedEvictedBytes)} MB  fetch failures {p.FetchFailures} (gave up {p.GaveUp})");
        output.WriteLine($"buffers: {p.TasksFromBuffer} of {p.TasksRun} tasks started from a prefetch buffer, mean wait there {F(p.MeanBufferWaitMs)} ms, " +
                         $"mean occupancy {p.MeanBufferOccupancy.ToString("0.00", CultureInfo.InvariantCulture)}  refusals {p.Refusals}  given back: expired {p.ReturnedExpired}, to idle workers {p.ReturnedToIdle}");
        output.WriteLine($"latency ms: mean {F(LatenciesMs.Length == 0 ? double.NaN : LatenciesMs.Average())}  p50 {F(Q(0.50))}  p95 {F(Q(0.95))}  p99 {F(Q(0.99))}");
        output.WriteLine($"throughput: {F(TasksCompleted / Elapsed.TotalSeconds)} tasks/s  ({TasksCompleted} tasks in {F(Elapsed.TotalSeconds)} s)");
    }
}
