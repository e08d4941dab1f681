using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Engine;

public sealed partial class Simulator
{
    private sealed partial class Replay
    {
        /// <summary>The cluster's default planner knobs (taskaffinity.prefetch), on the simulated store's latency and bandwidth.</summary>
        private static PrefetchPlannerOptions PlannerOptionsFor(SimCluster cluster) => new()
        {
            FetchLatency = cluster.StoreLatency,
            BandwidthMBps = cluster.StoreBandwidthMBps,
        };

        /// <summary>
        /// A host's stager, as the cluster's StagerActor: what the scheduler asks to stage goes through Core's
        /// <see cref="PrefetchPlanner"/>; what is over budget waits and is planned again when a fetch lands, the
        /// rest it refuses is dropped (an input larger than the bytes allowed in flight, or than the cache's share
        /// for unread staged data, is never fetched: staged anyway, a 5 GB input of the wfinstances blast runs
        /// was fetched again onto every host and wasted ~20 GB a run). Every candidate has confidence 1: the
        /// simulator stages one step ahead on the host a dry run of the policy picks, and learns no
        /// same-host rate, so the planner's confidence rules never refuse; its size and budget rules do.
        /// </summary>
        private sealed class Stager(Replay replay, DataCache cache)
        {
            private const int MaxWaiting = 1024; // as StagerActor: candidates kept for later when over budget; the oldest go first

            private readonly Dictionary<string, (double Lands, long Bytes)> _inFlight = new(StringComparer.Ordinal);
            private readonly LinkedList<PrefetchCandidate> _waiting = new();
            private readonly HashSet<string> _waitingKeys = new(StringComparer.Ordinal);
            private long _bytesInFlight;

            /// <summary>Bytes fetched and then not storable at all (larger than the room in the cache).</summary>
            public long Unstored { get; private set; }

            /// <summary>In flight or waiting for budget: the scheduler counts it as on this host from the moment it asks.</summary>
            public bool Arriving(string key) => _inFlight.ContainsKey(key) || _waitingKeys.Contains(key);

            public void Ask(DataRef input)
            {
                // what is cached or on its way the planner would skip as present: not worth a plan (most asks, on a warm cache)
                if (cache.Contains(input.Key) || _inFlight.ContainsKey(input.Key)) return;
                _waiting.AddLast(new PrefetchCandidate(input, 1, "lookahead"));
                _waitingKeys.Add(input.Key);
                while (_waiting.Count > MaxWaiting) _waiting.RemoveFirst();
            }

            public void Plan()
            {
                if (_waiting.Count == 0) return;
                var state = new PlannerState(cache.Options.CapacityBytes, cache.UnusedPrefetchedBytes, _bytesInFlight, _inFlight.Count,
                    key => cache.Contains(key) || _inFlight.ContainsKey(key));
                var plan = PrefetchPlanner.Plan(_waiting, state, replay._plannerOptions);
                _waiting.Clear();
                _waitingKeys.Clear();
                foreach (var (candidate, reason) in plan.Skipped)
                    if (reason == SkipReason.OverBudget)
                    {
                        _waiting.AddLast(candidate); // tried again when a fetch lands
                        _waitingKeys.Add(candidate.Data.Key);
                    }
                foreach (var candidate in plan.Fetch)
                    Start(candidate.Data);
            }

            /// <summary>A task reads the key while it is still on its way: it waits for the rest (when it lands), the fetch is its own now.</summary>
            public bool Take(DataRef input, out double lands)
            {
                lands = 0;
                if (!_inFlight.Remove(input.Key, out var fetch)) return false;
                _bytesInFlight -= fetch.Bytes;
                lands = fetch.Lands;
                return true;
            }

            private void Start(DataRef data)
            {
                var lands = replay._now + replay._cluster.FetchSeconds(data.SizeBytes);
                _inFlight[data.Key] = (lands, data.SizeBytes);
                _bytesInFlight += data.SizeBytes;
                replay.At(lands, () => Land(data));
            }

            private void Land(DataRef data)
            {
                if (_inFlight.Remove(data.Key, out var fetch))
                {
                    _bytesInFlight -= fetch.Bytes;
                    if (!cache.TryAdd(data, null, prefetched: true, pin: false, out _)) Unstored += data.SizeBytes;
                }
                Plan();
            }
        }
    }
}
