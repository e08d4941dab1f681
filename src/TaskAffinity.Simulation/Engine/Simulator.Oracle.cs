using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>
/// The oracle: the limit the policies are measured against. It runs on the same cluster as they do: under
/// <see cref="QueueModel.Central"/> its ready tasks wait in the central line whenever their worker holds
/// <see cref="WorkerCapacity"/> tasks, and the line is served at the same moments (a task becomes ready, a worker
/// finishes one). What it has and a real policy cannot: every task's true duration on every host, and exact
/// staging (each task's inputs are in its host's cache when it starts, unless larger than the cache, and nothing
/// else is fetched).
/// </summary>
/// <remarks>
/// <para>It uses that knowledge twice:</para>
/// <para>Placement: the worker where the task truly finishes first, max(now, when the worker's queue empties) +
/// duration × the host's speed factor for its type. When that worker is full, the task waits for it rather than
/// run slower elsewhere.</para>
/// <para>The line: served strictly shortest first, by the task's true duration on the host that runs it fastest
/// (ties in arrival order), and only its head is tried; while the head waits for its worker, nothing behind it
/// goes ahead. Shortest first minimises the mean completion time of jobs on one machine (Smith's rule), and it
/// is the order the policies cannot follow, for they do not know the durations. Served in the cluster's fair
/// order instead, the oracle was slower than the best policy on mean latency for 4 of the 5 seeds 42, 1..4 on
/// wfinstances (seed 1: 760 s against 687 s); placing at once, as it did before the line, it was slower on both
/// means on every one of them (seed 42: 936 s against 657 s, 2709 s against 1818 s), because the tasks of the big
/// workflows, bound first, held the others back.</para>
/// <para>It is a heuristic with perfect information, not a proven optimum: placing and ordering greedily, one
/// task at a time, can lose to a policy that happens to order or spread better on some workload. And it aims at
/// the means, not the tail: a long task can wait behind a stream of shorter ones (on the overloaded recurring
/// chains its p99 latency is above the policies').</para>
/// <para>Under <see cref="QueueModel.Worker"/> it binds each task at once where it truly finishes first, as
/// before the central line.</para>
/// </remarks>
public sealed partial class Simulator
{
    private sealed partial class Replay
    {
        // ---- the oracle ----

        /// <summary>The oracle's central line: by true duration on the fastest host, then by arrival.</summary>
        private readonly PriorityQueue<Waiting, (double Seconds, long Arrival)> _shortestFirst = new();

        private bool IsOracle => _sim._policy is null;

        private int LineLength => IsOracle ? _shortestFirst.Count : _line.Count;

        private void WaitShortestFirst(in Waiting task) => _shortestFirst.Enqueue(task, (ShortestTrueDuration(task.Task), _queued));

        /// <summary>Places the head of the line while its worker has room; the rest waits behind it.</summary>
        private void ServeShortestFirst()
        {
            while (!NoRoom && _shortestFirst.TryPeek(out var head, out _) && TryPlace(head))
                _shortestFirst.Dequeue();
        }

        private double ShortestTrueDuration(TraceTask task)
        {
            var shortest = double.MaxValue;
            foreach (var host in _cluster.Hosts)
                shortest = Math.Min(shortest, task.DurationS * _cluster.SpeedFactor(host.Id, task.Type));
            return shortest;
        }

        /// <summary>
        /// The worker where the task truly finishes first, full or not. Stall is left out: inputs are staged before
        /// the task starts, and one larger than the cache is fetched on the spot, as long on any host.
        /// </summary>
        private int EarliestTrueFinish(TraceTask task)
        {
            var best = 0;
            var bestFinish = double.MaxValue;
            for (var w = 0; w < _workers.Length; w++)
            {
                var finish = Math.Max(_now, _freeAt[w]) + task.DurationS * _cluster.SpeedFactor(_cluster.Hosts[_hostOf[w]].Id, task.Type);
                if (finish < bestFinish) (best, bestFinish) = (w, finish);
            }
            return best;
        }

        /// <summary>The oracle's prefetch: exactly the inputs this task reads, in its host's cache before it starts.</summary>
        private void StagePerfectly(TraceTask task, int host)
        {
            foreach (var input in task.Inputs)
                if (!_caches[host].Contains(input.Key))
                    _caches[host].TryAdd(input, null, prefetched: true, pin: false, out _);
        }
    }
}
