namespace TaskAffinity.Core.Affinity;

/// <summary>
/// Turns the profiles of the workers that have run one task type into affinity scores in [0, 1].
/// </summary>
/// <remarks>
/// <code>
/// score(w) = (Σ_m w_m · norm_m(w) / Σ_m w_m) · (1 − penalty(w))
/// norm_m(w) = (best_m + s_m) / (v_m(w) + s_m)     best_m = min over the workers of v_m (all metrics: lower is better)
/// </code>
/// Normalising by the ratio to the best worker, not min-max: min-max gives the worst worker 0 even when it is
/// 2% slower, turning noise into a cliff, and it changes when one more worker joins; a ratio keeps "three
/// times slower" meaning 1/3. The softening <c>s_m</c> (1 ms for duration, 0.1 for utilisations, 0.05 for the
/// error rate) keeps near-zero values from making tiny absolute differences look huge.
/// </remarks>
internal static class AffinityScorer
{
    private const double DurationSoftMs = 1, UtilSoft = 0.1, ErrorSoft = 0.05;

    public static Dictionary<string, double> Score(IReadOnlyList<ProfileEntry> sameType, AffinityWeights weights)
    {
        ArgumentNullException.ThrowIfNull(sameType);
        ArgumentNullException.ThrowIfNull(weights);
        var scores = new Dictionary<string, double>(sameType.Count, StringComparer.Ordinal);
        if (sameType.Count == 0) return scores;

        var bestDuration = sameType.Min(e => e.Profile.DurationMs);
        var bestCpu = sameType.Min(e => e.Profile.CpuUtil);
        var bestMemory = sameType.Min(e => e.Profile.MemoryUtil);
        var bestIo = sameType.Min(e => e.Profile.IoUtil);
        var bestError = sameType.Min(e => e.Profile.ErrorRate);
        var sum = weights.Sum > 0 ? weights.Sum : 1;

        foreach (var entry in sameType)
        {
            var p = entry.Profile;
            var weighted =
                weights.Duration * Norm(bestDuration, p.DurationMs, DurationSoftMs)
                + weights.Cpu * Norm(bestCpu, p.CpuUtil, UtilSoft)
                + weights.Memory * Norm(bestMemory, p.MemoryUtil, UtilSoft)
                + weights.Io * Norm(bestIo, p.IoUtil, UtilSoft)
                + weights.ErrorRate * Norm(bestError, p.ErrorRate, ErrorSoft);
            var score = weighted / sum * (1 - Math.Clamp(p.Penalty, 0, 1));
            scores[entry.WorkerId] = Math.Clamp(score, 0, 1);
        }
        return scores;
    }

    private static double Norm(double best, double value, double soft) =>
        (Math.Max(best, 0) + soft) / (Math.Max(value, 0) + soft);
}
