namespace TaskAffinity.Core.Placement;

/// <summary>
/// Baseline: power of two choices (Mitzenmacher). Draws two distinct eligible workers at random and takes the
/// one with less work in hand (the first drawn on a tie). Nearly as balanced as least-loaded while looking
/// at only two workers, which is why it is the usual scalable baseline. Draws are a stable hash of the seed
/// and the request, so runs replay.
/// </summary>
public sealed class PowerOfTwoPolicy(int seed = 0) : IPlacementPolicy
{
    public const string PolicyName = "power-of-two";

    private readonly string _first = $"p2-first-{seed}", _second = $"p2-second-{seed}";

    public string Name => PolicyName;

    public PlacementDecision Place(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = CandidateRanking.Eligible(request, candidates);
        if (eligible.Count == 0)
            return PlacementDecision.None(Name, LeastLoadedPolicy.NoCandidateReason(request.Task, candidates));

        var n = eligible.Count;
        var i = (int)(CandidateRanking.Draw(_first, request) % (uint)n);
        // the second draw skips the first: j = i + 1 + u mod (n − 1), uniform over the others
        var j = n == 1 ? i : (i + 1 + (int)(CandidateRanking.Draw(_second, request) % (uint)(n - 1))) % n;
        var (a, b) = (eligible[i], eligible[j]);
        var chosen = b.Load < a.Load ? b : a;
        WorkerCandidate[] drawn = i == j ? [a] : [a, b];

        // score = −load, as for least-loaded; only the two drawn workers are compared, so only they are explained
        var top = CandidateRanking.Explain(chosen, drawn, c => c.WorkerId, c => -c.Load,
            c => new CandidateScore(c.WorkerId, -c.Load, CandidateRanking.Terms(("queued", c.Queued), ("running", c.Running))));
        return new PlacementDecision(chosen.WorkerId, Name, top,
            drawn.Length == 1 ? "the only eligible worker" : $"less loaded of two drawn from {n} eligible workers ({a.WorkerId}, {b.WorkerId})");
    }
}
