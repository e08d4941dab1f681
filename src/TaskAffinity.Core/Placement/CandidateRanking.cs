using System.Collections.Immutable;
using System.Globalization;

namespace TaskAffinity.Core.Placement;

/// <summary>What every policy does the same way: who is eligible, reproducible draws, and the explanation.</summary>
internal static class CandidateRanking
{
    public const int Explained = 3;

    /// <summary>The candidates that can run the task, ordered by id so the input order never changes a decision.</summary>
    public static List<WorkerCandidate> Eligible(PlacementRequest request, IReadOnlyList<WorkerCandidate> candidates)
    {
        var eligible = new List<WorkerCandidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (candidate.CanRun(request.Task)) eligible.Add(candidate);
        }
        eligible.Sort((a, b) => string.CompareOrdinal(a.WorkerId, b.WorkerId));
        return eligible;
    }

    /// <summary>A reproducible "random" number keyed by the request (and the attempt, so a retry draws anew).</summary>
    public static uint Draw(string salt, PlacementRequest request) =>
        StableHash.Of(salt, request.ChainId, request.Task.Id, request.Attempt.ToString(CultureInfo.InvariantCulture));

    public static double Fraction(string salt, PlacementRequest request) => Draw(salt, request) / 4294967296.0;

    /// <summary>
    /// The explanation: the chosen candidate first, then the best others by score (ties by id), at most
    /// <see cref="Explained"/>. Terms are built only for those, so a decision over thousands of workers stays cheap.
    /// </summary>
    public static ImmutableArray<CandidateScore> Explain<T>(T chosen, IEnumerable<T> all, Func<T, string> id,
        Func<T, double> score, Func<T, CandidateScore> explain)
    {
        var chosenId = id(chosen);
        var others = all.Where(c => id(c) != chosenId)
            .OrderByDescending(score).ThenBy(id, StringComparer.Ordinal)
            .Take(Explained - 1);
        return [explain(chosen), .. others.Select(explain)];
    }

    public static ScoreTerms Terms(params (string Name, double Value)[] terms) => ScoreTerms.Of(terms);
}
