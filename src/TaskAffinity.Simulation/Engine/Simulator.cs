using System.Diagnostics;
using MathNet.Numerics.Statistics;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Prefetch;
using TaskAffinity.Core.Tasks;
using TaskAffinity.Simulation.Traces;

namespace TaskAffinity.Simulation.Engine;

/// <summary>
/// Replays chains through one placement policy on a <see cref="SimCluster"/>, on simulated time. The same Core
/// policy code as the cluster decides; the simulator plays the workers, the store and the caches.
/// </summary>
/// <remarks>
/// <para>A task becomes ready when its chain has arrived and its dependencies are done. Under
/// <see cref="QueueModel.Central"/> (the default, as the cluster's scheduler holds tasks) it is placed at once
/// only if the policy's choice holds fewer than <see cref="WorkerCapacity"/> tasks; otherwise it waits in a
/// central line and is placed, by a fresh decision, when a worker has room (see Simulator.Queue.cs).
/// Under <see cref="QueueModel.Worker"/> it is placed at once, whatever the worker holds. Each worker slot runs
/// the tasks placed on it in order. A task's latency = wait (ready → start, the central line included) + stall
/// (fetching the inputs not in its host's cache: latency + bytes / bandwidth each) + execution (reference
/// duration × the host's speed factor). Its outputs land in its host's cache, so a child placed where its
/// parent ran reads them for free.</para>
/// <para>Learning policies (<see cref="IPlacementPolicy.WithModel"/>) receive a model rebuilt from every
/// outcome so far each <see cref="ModelEvery"/> completions: per-(worker, type) profiles and the transition
/// table of a <see cref="SequencePredictor"/> fed each chain's sequence, whose top-1 accuracy is reported.</para>
/// <para>With <see cref="Prefetch"/>, placing a task asks to stage the inputs its dependents read from the store
/// (not those produced inside the chain) into the cache of the host each dependent will probably run on (a dry
/// run of the policy). The host's stager fetches what Core's prefetch planner takes, as the cluster's does
/// (within 64 MiB and 8 fetches in flight and half the cache unread; what is over budget waits for a fetch to
/// land), each arriving after its fetch time; a read before then waits only for the rest. Placement counts
/// staged data as cached from the moment it is asked for, as the cluster's scheduler does.</para>
/// <para>The oracle knows every true duration; it goes through the same line and capacity, and serves the line
/// in its own order (see Simulator.Oracle.cs).</para>
/// <para>Wasted bytes: staged and never read (evicted unread, unread at the end, or too big to keep).</para>
/// </remarks>
public sealed partial class Simulator
{
    public const string Oracle = "oracle";

    private readonly SimCluster _cluster;
    private readonly string _policyName;
    private readonly bool _prefetch;
    private IPlacementPolicy? _policy;

    public Simulator(SimCluster cluster, string policy, bool prefetch)
    {
        _cluster = cluster;
        _policyName = policy;
        _prefetch = prefetch || policy == Oracle;
        if (policy != Oracle) _policy = PlacementPolicies.Create(policy, PlacementModel.Empty, seed: cluster.Seed);
    }

    /// <summary>
    /// Tasks a worker holds under <see cref="QueueModel.Central"/>: the one it runs and a full prefetch buffer,
    /// 1 + the cluster's default <c>taskaffinity.prefetch.buffer-size</c> (4), as SchedulerActor's Capacity.
    /// </summary>
    public const int DefaultWorkerCapacity = 5;

    private readonly int _workerCapacity = DefaultWorkerCapacity;

    public int ModelEvery { get; init; } = 200;

    public bool Prefetch => _prefetch;

    /// <summary>Where a ready task waits when its worker is busy; see <see cref="QueueModel"/>.</summary>
    public QueueModel Queue { get; init; } = QueueModel.Central;

    /// <summary>
    /// The order in which the central line is served when a worker has room, for every policy alike (it is the
    /// cluster's line, not a policy's); <see cref="LineOrder.FairByType"/>, as SchedulerActor serves it.
    /// </summary>
    public LineOrder Line { get; init; } = LineOrder.FairByType;

    /// <summary>
    /// Our policy (<c>affinity</c>) serves its line by learned expected duration (<see cref="LineOrder.ShortestExpected"/>,
    /// as SchedulerActor does for it) instead of <see cref="Line"/>; the baselines keep <see cref="Line"/>.
    /// </summary>
    public bool OursShortestExpected { get; init; } = true;

    /// <summary>
    /// How much the path after a waiting task (the rest of its chain, see <see cref="CriticalPath"/>) counts in
    /// our line's order, as in SchedulerActor's line; 0 orders by expected duration alone.
    /// </summary>
    public double OursPathWeight { get; init; } = CriticalPath.DefaultWeight;

    /// <summary>Most tasks (running + buffered) a worker holds under <see cref="QueueModel.Central"/>; at least 1.</summary>
    public int WorkerCapacity
    {
        get => _workerCapacity;
        init => _workerCapacity = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(WorkerCapacity), value, "a worker holds at least 1 task");
    }

    /// <summary>Told of every placement, for tests: which task went where, when, and what the worker then held.</summary>
    internal Action<PlacementRecord>? OnPlaced { get; init; }

    /// <summary>Every task's latency in the last run, in completion order (for CDF plots).</summary>
    public double[] LastLatencies { get; private set; } = [];

    /// <summary>The last run's cache hit rate (input reads served from the host cache) per window of simulated time from its first arrival.</summary>
    public IReadOnlyList<HitRateWindow> LastHitRates { get; private set; } = [];

    /// <summary>How many tasks of the last run waited in the central line, and the longest the line grew.</summary>
    public (long Tasks, int Longest) LastLine { get; private set; }

    public SimResult Run(IEnumerable<TraceChain> chains)
    {
        var replay = new Replay(this);
        var result = replay.Execute(chains);
        LastLatencies = replay.Latencies;
        LastHitRates = replay.HitRates;
        LastLine = replay.Line;
        return result;
    }

    private sealed partial class Replay
    {
        private readonly Simulator _sim;
        private readonly SimCluster _cluster;
        private readonly PriorityQueue<Action, (double, long)> _events = new();
        private long _sequence;
        private double _now;

        private readonly WorkerCandidate[] _workers;
        private readonly Dictionary<string, int> _workerIndex;
        private readonly double[] _freeAt;      // per worker: when its queue empties
        private readonly int[] _hostOf;         // per worker: host index
        private readonly DataCache[] _caches;   // per host
        private readonly Stager[] _stagers;     // per host
        private readonly PrefetchPlannerOptions _plannerOptions;
        private readonly TypeSet _served;

        private readonly Dictionary<(string, TaskType), TaskTypeProfile> _profiles = new();
        private readonly SequencePredictor _predictor = new(new PredictionOptions());
        private int _sinceModel;
        private long _predicted, _predictedRight, _changes, _changesRight;

        private readonly List<double> _latency = [], _makespan = [];
        private readonly HitRateWindows _hitRate = new();
        private double _wait, _stall, _exec, _first = double.MaxValue, _last;
        private long _decisions;
        private string _reason = "";   // of the last decision, for OnPlaced
        private readonly Stopwatch _deciding = new();
        private int _tasks, _chains;

        public Replay(Simulator sim)
        {
            _sim = sim;
            _cluster = sim._cluster;
            var workers = _cluster.Hosts.SelectMany((h, hi) => Enumerable.Range(0, h.Slots).Select(s => (Host: h, Index: hi, Slot: s))).ToList();
            _served = new TypeSet();
            _workers = [.. workers.Select(w => new WorkerCandidate($"{w.Host.Id}/{w.Slot}", w.Host.Id, true, _served.All, w.Host.Capacity, 0, 0, WorkerToken.Empty))];
            _hostOf = [.. workers.Select(w => w.Index)];
            _workerIndex = _workers.Select((w, i) => (w.WorkerId, i)).ToDictionary(x => x.WorkerId, x => x.i, StringComparer.Ordinal);
            _freeAt = new double[_workers.Length];
            _central = sim.Queue == QueueModel.Central;
            _capacity = _central ? sim.WorkerCapacity : int.MaxValue;
            _line = sim._policy is AffinityPolicy && sim.OursShortestExpected
                ? new WaitingLine<Waiting>(entry => CriticalPath.LineEstimateMs(entry.Type, entry.Item.PathAfter, ExpectedMs, sim.OursPathWeight))
                : new WaitingLine<Waiting>(sim.Line);
            _stateless = sim._policy is not RoundRobinPolicy;
            _caches = [.. _cluster.Hosts.Select(_ => new DataCache(new DataCacheOptions { CapacityBytes = _cluster.CacheBytesPerHost }))];
            _plannerOptions = PlannerOptionsFor(_cluster);
            _stagers = [.. _caches.Select(c => new Stager(this, c))];
        }

        public double[] Latencies => [.. _latency];

        public IReadOnlyList<HitRateWindow> HitRates => _hitRate.Windows();

        public SimResult Execute(IEnumerable<TraceChain> chains)
        {
            using var source = chains.GetEnumerator();
            ScheduleNextArrival(source);
            while (_events.TryDequeue(out var action, out var at))
            {
                _now = at.Item1;
                action();
            }
            return Result();
        }

        private void At(double time, Action action) => _events.Enqueue(action, (time, _sequence++));

        /// <summary>Chains are pulled one at a time, so a trace streams through.</summary>
        private void ScheduleNextArrival(IEnumerator<TraceChain> source)
        {
            if (!source.MoveNext()) return;
            var chain = source.Current;
            At(Math.Max(chain.ArrivalS, _now), () =>
            {
                Arrive(chain);
                ScheduleNextArrival(source);
            });
        }

        private void Arrive(TraceChain chain)
        {
            _chains++;
            _first = Math.Min(_first, _now);
            var state = new ChainRun(chain, _now);
            var newTypes = false;
            foreach (var task in chain.Tasks)
                newTypes |= _served.Add(task.Type);
            if (newTypes)
                for (var w = 0; w < _workers.Length; w++)
                    _workers[w] = _workers[w] with { ServedTypes = _served.All };
            foreach (var task in chain.Tasks.Where(t => t.After.IsDefaultOrEmpty))
                Ready(state, task, history: []);
        }

        // ---- placement ----

        private void Ready(ChainRun chain, TraceTask task, TaskType[] history)
        {
            if (_central) Enter(new Waiting(chain, task, history, _now, []));
            else Bind(chain, task, history, _now, Place(chain, task));
        }

        /// <summary>Puts the task on the worker's queue: it starts when the tasks placed there before it are done.</summary>
        private void Bind(ChainRun chain, TraceTask task, TaskType[] history, double ready, int worker)
        {
            var start = Math.Max(_now, _freeAt[worker]);
            var host = _hostOf[worker];
            if (IsOracle) StagePerfectly(task, host);
            var stall = StallOf(task, host, start);
            var exec = task.DurationS * _cluster.SpeedFactor(_cluster.Hosts[host].Id, task.Type);
            var finish = start + stall + exec;
            _freeAt[worker] = finish;
            SetLoad(worker, +1);
            // the oracle needs no lookahead: it has every input in place already (StagePerfectly)
            if (_sim._prefetch && !IsOracle) Stage(chain, task, worker);
            Predict(chain, task, history);
            _sim.OnPlaced?.Invoke(new PlacementRecord(chain.Chain.ChainId, task.Id, task.Type, _workers[worker].WorkerId, ready, _now, start, finish, _workers[worker].Queued, _reason));
            At(finish, () => Finish(chain, task, worker, ready, start, stall, exec, history));
        }

        private int Place(ChainRun chain, TraceTask task)
        {
            _decisions++;
            _deciding.Start();
            try
            {
                if (_sim._policy is null)
                {
                    _reason = "earliest true finish";
                    return EarliestTrueFinish(task);
                }
                var decision = _sim._policy.Place(new PlacementRequest(chain.Chain.ChainId, SpecOf(task), 1) { CachedByHost = CachedShares(task) }, _workers);
                _reason = decision.Reason;
                return decision.Placed ? _workerIndex[decision.WorkerId!] : EarliestFree();
            }
            finally
            {
                _deciding.Stop();
            }
        }

        private static TaskSpec SpecOf(TraceTask task) =>
            new() { Id = task.Id, Type = task.Type, Inputs = task.Inputs, Resources = new ResourceVector(Math.Min(task.Cpu, 8), 0, 0, 0, 0) };

        private int EarliestFree()
        {
            var best = 0;
            for (var w = 1; w < _freeAt.Length; w++)
                if (_freeAt[w] < _freeAt[best]) best = w;
            return best;
        }

        private void SetLoad(int worker, int delta)
        {
            var c = _workers[worker];
            var queued = Math.Max(0, c.Queued + delta);
            _workers[worker] = c with { Queued = queued };
            _full += (queued >= _capacity ? 1 : 0) - (c.Queued >= _capacity ? 1 : 0);
        }

        private void Finish(ChainRun chain, TraceTask task, int worker, double ready, double start, double stall, double exec, TaskType[] history)
        {
            _tasks++;
            _last = Math.Max(_last, _now);
            (_wait, _stall, _exec) = (_wait + (start - ready), _stall + stall, _exec + exec);
            _latency.Add(_now - ready);
            SetLoad(worker, -1);
            _workers[worker] = _workers[worker] with { Token = new WorkerToken(task.Type, 0) };

            var host = _hostOf[worker];
            foreach (var output in task.Outputs)
            {
                chain.Produced.Add(output.Key);
                _caches[host].TryAdd(output, null, prefetched: false, pin: false, out _);
            }
            Learn(worker, task, exec);
            // the worker has room again: the line goes first, as the cluster's scheduler serves it on the worker's
            // status report, before the chain asks to place the children (which then join the line behind it)
            if (LineLength > 0) PlacePending();

            TaskType[] next = [.. history.TakeLast(7), task.Type];
            foreach (var child in chain.Completed(task.Id))
                Ready(chain, child, next);
            if (chain.Done)
                _makespan.Add(_now - chain.ArrivedAt);
        }

        /// <summary>
        /// Staged bytes never read: evicted unread, still unread when the replay ends (every task is done, so they
        /// never will be), or fetched and then not storable at all (larger than the room in the cache).
        /// </summary>
        private long Wasted(List<DataCacheStats> stats) => stats.Sum(s => s.PrefetchedBytes - s.PrefetchedUsedBytes) + _stagers.Sum(s => s.Unstored);

        private SimResult Result()
        {
            var latency = _latency.ToArray();
            var makespan = _makespan.ToArray();
            double Q(double[] values, double tau) => values.Length == 0 ? 0 : values.Quantile(tau);
            var n = Math.Max(_tasks, 1);
            var stats = _caches.Select(c => c.Stats()).ToList();
            long hits = stats.Sum(s => s.Hits), reads = hits + stats.Sum(s => s.Misses);
            return new SimResult(_sim._policyName, _tasks, _chains,
                latency.Length == 0 ? 0 : latency.Average(), Q(latency, 0.5), Q(latency, 0.95), Q(latency, 0.99),
                _wait / n, _stall / n, _exec / n,
                makespan.Length == 0 ? 0 : makespan.Average(), Q(makespan, 0.99),
                _last > _first ? _tasks / (_last - _first) : 0,
                _sim._prefetch ? (reads == 0 ? 0 : (double)hits / reads) : null,
                _sim._prefetch ? Wasted(stats) / 1_000_000.0 : null,
                _predicted == 0 ? null : (double)_predictedRight / _predicted,
                _changes == 0 ? null : (double)_changesRight / _changes,
                _deciding.Elapsed.TotalSeconds > 0 ? _decisions / _deciding.Elapsed.TotalSeconds : 0);
        }
    }
}
