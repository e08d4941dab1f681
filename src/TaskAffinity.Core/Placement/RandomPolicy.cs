namespace TaskAffinity.Core.Placement;

/// <summary>
/// Baseline: a uniformly random eligible worker. "Random" is a stable hash of the seed, chain, task and
/// attempt, so the same seed replays the same choices (tests, the simulator) and a retry draws again.
/// </summary>
public sealed class RandomPolicy(int seed = 0) : IPlacementPolicy
{
    public const string PolicyName = "random";

    private readonly string _salt = $"random-{seed}";

    public string Name => PolicyName;

    public int Seed { get; } = seed;

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = CandidateRanking.Eligible(request, candidates);
        if (eligible.Count == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        var draw = CandidateRanking.Fraction(_salt, request);
        var chosen = eligible[(int)(draw * eligible.Count)];
        // every worker was equally likely, so only the chosen one scores
        double Score(WorkerCandidate c) => c.WorkerId == chosen.WorkerId ? 1 : 0;
        var top = CandidateRanking.Explain(chosen, eligible, c => c.WorkerId, Score,
            c => new CandidateScore(c.WorkerId, Score(c), CandidateRanking.Terms(("draw", draw), ("load", c.Load))));
        return new PlacementDecision(chosen.WorkerId, Name, top, $"drawn at random (seed {Seed}) from {eligible.Count} eligible workers");
    }
}
