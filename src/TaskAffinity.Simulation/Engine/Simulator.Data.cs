using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

public sealed partial class Simulator
{
    private sealed partial class Replay
    {
        // ---- data ----

        /// <summary>
        /// Seconds the task waits for inputs at <paramref name="start"/>; what it fetches lands in the cache. The
        /// replay settles a task's reads when it places it, against the caches as they are then. A read is a hit
        /// when the input is in the host cache; staged data still on its way is a miss that waits only for the
        /// rest of its transfer (as the caches' own counters have it). Hits are counted at the start time, per
        /// window, for the hit-rate plot.
        /// </summary>
        private double StallOf(TraceTask task, int host, double start)
        {
            double stall = 0;
            var hits = 0;
            foreach (var input in task.Inputs)
            {
                using var hit = _caches[host].Acquire(input.Key);
                if (hit is not null)
                {
                    hits++;
                    continue;
                }
                if (_stagers[host].Take(input, out var lands))
                {
                    stall = Math.Max(stall, lands - start); // staged, still on its way
                    _caches[host].TryAdd(input, null, prefetched: true, pin: false, out _);
                    _caches[host].Acquire(input.Key, count: false)?.Dispose();
                    continue;
                }
                stall += _cluster.FetchSeconds(input.SizeBytes);
                _caches[host].TryAdd(input, null, prefetched: false, pin: false, out _);
            }
            _hitRate.Add(start - _first, task.Inputs.Length, hits);
            return Math.Max(stall, 0);
        }

        /// <summary>
        /// Lookahead staging: the store inputs of the task's dependents (not those produced inside the chain), on
        /// the host each dependent will probably run on (<see cref="LikelyHost"/>). They are asked for now, when the
        /// task is placed (as the cluster's scheduler sends them with the assignment), not when it starts: a
        /// task may sit in a queue, and a key announced as on its way but fetched only later would make
        /// another task that reads it meanwhile wait for that later fetch. What is fetched, and when, is the
        /// host's <see cref="Stager"/>'s decision, as in the cluster.
        /// One step ahead only: staging two and three steps ahead too (the cluster's default lookahead) lifted
        /// the snapshot sessions' hit rate from 65% to 69% but wasted over a thousand times the bytes, as the host
        /// of a task further down is much less certain.
        /// </summary>
        private void Stage(ChainRun chain, TraceTask task, int worker)
        {
            foreach (var child in chain.DependentsOf(task.Id))
            {
                var host = -2; // not asked yet: the dry run is only worth its cost when there is something to stage
                foreach (var input in child.Inputs)
                {
                    if (chain.Produced.Contains(input.Key)) continue;
                    if (host == -2) host = LikelyHost(chain, child, task, worker);
                    if (host < 0) break;
                    _stagers[host].Ask(input);
                }
            }
            foreach (var stager in _stagers) stager.Plan();
        }

        /// <summary>
        /// Where the policy would place <paramref name="child"/> once <paramref name="parent"/> is done: a dry run
        /// of the same decision, with the parent's worker one task lighter and last having run the parent's type,
        /// and the parent's outputs counted as cached on its host. Staging there rather than on the parent's
        /// host is what keeps staged bytes from being wasted when the placement sends the child elsewhere (its
        /// cache term weighs less than speed and load). The real placement then sees the staged bytes as cached
        /// there (<see cref="CachedShares"/>), which pulls the same way. Round-robin has no dry run (it is the one
        /// stateful policy; a dry run would use up a turn): it stages on the parent's host. -1: nowhere.
        /// </summary>
        private int LikelyHost(ChainRun chain, TraceTask child, TraceTask parent, int worker)
        {
            if (_sim._policy is null or RoundRobinPolicy) return _hostOf[worker];
            var saved = _workers[worker];
            _workers[worker] = saved with { Queued = Math.Max(0, saved.Queued - 1), Token = new WorkerToken(parent.Type, 0) };
            try
            {
                var request = new PlacementRequest(chain.Chain.ChainId, SpecOf(child), 1) { CachedByHost = CachedShares(child, parent.Outputs, _hostOf[worker]) };
                var decision = _sim._policy.Place(request, _workers);
                return decision.Placed ? _hostOf[_workerIndex[decision.WorkerId!]] : -1;
            }
            finally
            {
                _workers[worker] = saved;
            }
        }

        /// <summary>
        /// Share of the task's input bytes on each host: cached, or staged and on its way (the scheduler's belief
        /// in the cluster counts staged data from the moment it asks for it), plus <paramref name="landing"/>
        /// (outputs about to be written) on <paramref name="landingHost"/>.
        /// </summary>
        private Dictionary<string, double>? CachedShares(TraceTask task, IReadOnlyList<DataRef>? landing = null, int landingHost = -1)
        {
            long total = 0;
            foreach (var input in task.Inputs) total += input.SizeBytes;
            if (total <= 0) return null;
            Dictionary<string, double>? shares = null;
            for (var h = 0; h < _caches.Length; h++)
            {
                long cached = 0;
                foreach (var input in task.Inputs)
                    if (_caches[h].Contains(input.Key) || _stagers[h].Arriving(input.Key) || (h == landingHost && Lands(input.Key, landing!)))
                        cached += input.SizeBytes;
                if (cached > 0) (shares ??= new())[_cluster.Hosts[h].Id] = (double)cached / total;
            }
            return shares;
        }

        private static bool Lands(string key, IReadOnlyList<DataRef> outputs)
        {
            foreach (var output in outputs)
                if (output.Key == key) return true;
            return false;
        }
    }
}
