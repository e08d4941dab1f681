namespace TaskAffinity.Core.Placement;

/// <summary>
/// Which term of the score decided a placement, for operators (the <c>taskaffinity_placements_total</c> metric):
/// the term in which the chosen worker most exceeds the runner-up, as a ratio. Exploration, the all-full
/// fallback and a lone candidate are named as such.
/// </summary>
public static class PlacementTerms
{
    public const string Exploration = "exploration", AllFull = "all-full", OnlyCandidate = "only-candidate", Tie = "tie", None = "none";

    // Counts and flags, not factors of the score: they never decide by themselves.
    private static readonly HashSet<string> NotFactors = ["samples", "room"];

    public static string Decisive(PlacementDecision decision)
    {
        if (!decision.Placed) return None;
        if (decision.Reason.StartsWith(AffinityPolicy.ExploreReason, StringComparison.Ordinal)) return Exploration;
        if (decision.Reason.StartsWith("all ", StringComparison.Ordinal)) return AllFull;
        if (decision.TopCandidates.Length < 2) return OnlyCandidate;
        var chosen = decision.TopCandidates[0].Terms;
        var runnerUp = decision.TopCandidates[1].Terms;
        var decisive = Tie;
        var bestRatio = 1.0;
        foreach (var (name, raw) in chosen)
        {
            if (NotFactors.Contains(name) || !runnerUp.TryGetValue(name, out var otherRaw)) continue;
            // heat counts against a worker: its factor in the score is 1 − 0.9·heat
            var (value, other) = name == "heat" ? (AffinityPolicy.HeatFactor(raw), AffinityPolicy.HeatFactor(otherRaw)) : (raw, otherRaw);
            var ratio = other > 0 ? value / other : value > 0 ? double.PositiveInfinity : 1;
            if (ratio > bestRatio + 1e-9)
                (decisive, bestRatio) = (name, ratio);
        }
        return decisive;
    }
}
