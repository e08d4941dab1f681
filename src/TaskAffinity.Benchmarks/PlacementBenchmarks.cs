using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Placement;
using TaskAffinity.Core.Prediction;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Benchmarks;

/// <summary>
/// One placement decision over a warm model (every worker has a profile for every type), for clusters of
/// 16, 256 and 4,096 workers. Our policy against the least-loaded baseline, measured in the same run.
/// Target: under 5 µs for 256 workers.
/// </summary>
[MemoryDiagnoser]
public class PlacementBenchmarks
{
    private static readonly TaskType[] Types = ["SnapshotCreate", "SnapshotView", "SnapshotCopy", "SnapshotShare", "SnapshotDelete"];

    private IPlacementPolicy _affinity = null!;
    private IPlacementPolicy _leastLoaded = null!;
    private WorkerCandidate[] _candidates = [];
    private PlacementRequest[] _requests = [];
    private int _next;

    [Params(16, 256, 4096)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var capacity = new ResourceVector(16, 65536, 1000, 1000, 0);
        ImmutableHashSet<TaskType> served = [.. Types];
        _candidates = [.. Enumerable.Range(0, Workers).Select(i => new WorkerCandidate(
            $"host-{i / 8}/{i % 8}", $"host-{i / 8}", true, served, capacity, random.Next(0, 3), random.Next(0, 2),
            new WorkerToken(Types[random.Next(Types.Length)], 0.5)) { Heat = random.NextDouble() * 0.5 })];

        var profiles = _candidates.SelectMany(c => Types.Select(t => new ProfileEntry(c.WorkerId, t,
            new TaskTypeProfile(50, 5 + random.NextDouble() * 50, random.NextDouble(), random.NextDouble(), random.NextDouble(), random.NextDouble() * 0.05, 0))));
        var transitions = new TransitionTable([.. Types.Select(from => new TransitionRow(from,
            [.. Types.Select(to => new TypeProbability(to, 1.0 / Types.Length))]))]);
        var model = new PlacementModel(AffinityMap.Build(profiles, new AffinityOptions()), transitions);

        _affinity = new AffinityPolicy(model);
        _leastLoaded = new LeastLoadedPolicy();
        _requests = [.. Enumerable.Range(0, 1024).Select(i => new PlacementRequest($"chain-{i}",
            new TaskSpec { Id = $"t{i}", Type = Types[i % Types.Length], Resources = new ResourceVector(1, 512, 10, 10, 0) }, 1))];
    }

    [Benchmark(Baseline = true)]
    public PlacementDecision LeastLoaded() => _leastLoaded.Place(_requests[_next++ & 1023], _candidates);

    [Benchmark]
    public PlacementDecision Affinity() => _affinity.Place(_requests[_next++ & 1023], _candidates);
}
