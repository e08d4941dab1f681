using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prefetch;

/// <summary>Data a task expected on this host will probably read. Confidence in [0, 1] is the chance it is read here.</summary>
public sealed record PrefetchCandidate(DataRef Data, double Confidence, string Reason);

/// <summary>
/// What the planner needs to know about the host right now. <paramref name="IsPresent"/>: the key is cached or
/// already being fetched.
/// </summary>
public sealed record PlannerState(long CacheCapacityBytes, long UnusedPrefetchedBytes, long BytesInFlight,
    int FetchesInFlight, Func<string, bool> IsPresent);

/// <summary>Why a candidate is not fetched, in the order the planner tests them.</summary>
public enum SkipReason
{
    /// <summary>Already cached or being fetched.</summary>
    AlreadyPresent,

    /// <summary>Confidence below <see cref="PrefetchPlannerOptions.MinConfidence"/>.</summary>
    LowConfidence,

    /// <summary>Expected time saved does not beat expected transfer time wasted.</summary>
    NotWorthIt,

    /// <summary>Alone it would exceed the bytes-in-flight limit or the unused share of the cache.</summary>
    TooLarge,

    /// <summary>Worth it, but the budget is taken by fetches in flight or by better candidates.</summary>
    OverBudget,
}

/// <summary>
/// The outcome: <see cref="Fetch"/> in the order to start them (best benefit density first); every other
/// distinct candidate in <see cref="Skipped"/> with its reason.
/// </summary>
public sealed record PrefetchPlan(ImmutableArray<PrefetchCandidate> Fetch,
    ImmutableArray<(PrefetchCandidate Candidate, SkipReason Reason)> Skipped);

/// <summary>
/// Decides what to stage into a host's cache ahead of need. Pure and deterministic: the same candidates (in the
/// same order), state and options give the same plan.
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="number">
/// <item>Candidates with the same key merge into one, keeping the highest confidence (the first on a tie).</item>
/// <item>Present (cached or in flight) → <see cref="SkipReason.AlreadyPresent"/>.</item>
/// <item>conf &lt; MinConfidence → <see cref="SkipReason.LowConfidence"/>.</item>
/// <item>Benefit vs cost. A used prefetch saves the whole fetch, t = latency + size / bandwidth; a wasted one
/// costs its transfer time, size / bandwidth (waiting out the latency takes no bandwidth from anyone). Fetch only when
/// conf · t &gt; (1 − conf) · size / bandwidth, else <see cref="SkipReason.NotWorthIt"/>.</item>
/// <item>size &gt; MaxUnusedShare · capacity or size &gt; MaxBytesInFlight → <see cref="SkipReason.TooLarge"/>
/// (it could never be taken).</item>
/// <item>The rest, by benefit density conf · t / size descending (seconds saved per byte; ties: higher
/// confidence, then key ordinal), are taken greedily: each one that still fits all three budgets is taken,
/// each one that does not is <see cref="SkipReason.OverBudget"/> and later, smaller ones may still fit:
/// FetchesInFlight + taken &lt; MaxConcurrentFetches;
/// BytesInFlight + taken bytes + size ≤ MaxBytesInFlight;
/// UnusedPrefetchedBytes + BytesInFlight + taken bytes + size ≤ MaxUnusedShare · capacity.</item>
/// </list>
/// </remarks>
public static class PrefetchPlanner
{
    public static PrefetchPlan Plan(IEnumerable<PrefetchCandidate> candidates, PlannerState state, PrefetchPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.IsPresent, nameof(state) + ".IsPresent");
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));

        // unused budget = MaxUnusedShare · capacity, in whole bytes
        var unusedBudget = (long)Math.Floor(options.MaxUnusedShare * Math.Max(0, state.CacheCapacityBytes));
        var skipped = ImmutableArray.CreateBuilder<(PrefetchCandidate Candidate, SkipReason Reason)>();
        var eligible = new List<Ranked>();

        // ---- screen each distinct candidate on its own ----
        foreach (var candidate in Merge(candidates))
        {
            var size = candidate.Data.SizeBytes;
            var transfer = options.TransferSeconds(size);
            var saved = options.FetchLatency.TotalSeconds + transfer; // t = latency + size / bandwidth
            var conf = candidate.Confidence;

            SkipReason? reason =
                state.IsPresent(candidate.Data.Key) ? SkipReason.AlreadyPresent
                : conf < options.MinConfidence ? SkipReason.LowConfidence
                : !(conf * saved > (1 - conf) * transfer) ? SkipReason.NotWorthIt
                : size > unusedBudget || size > options.MaxBytesInFlight ? SkipReason.TooLarge
                : null;

            if (reason is { } r) skipped.Add((candidate, r));
            // density = conf · t / size; +∞ for an empty item (conf · t > 0 here, so never NaN)
            else eligible.Add(new Ranked(candidate, conf * saved / size));
        }

        // ---- take the best while the budgets allow ----
        eligible.Sort(ByDensity);
        var fetch = ImmutableArray.CreateBuilder<PrefetchCandidate>();
        long takenBytes = 0;
        foreach (var (candidate, _) in eligible)
        {
            var size = candidate.Data.SizeBytes;
            var fits = state.FetchesInFlight + fetch.Count < options.MaxConcurrentFetches
                && state.BytesInFlight + takenBytes + size <= options.MaxBytesInFlight
                && state.UnusedPrefetchedBytes + state.BytesInFlight + takenBytes + size <= unusedBudget;
            if (fits)
            {
                fetch.Add(candidate);
                takenBytes += size;
            }
            else
            {
                skipped.Add((candidate, SkipReason.OverBudget));
            }
        }

        return new PrefetchPlan(fetch.ToImmutable(), skipped.ToImmutable());
    }

    /// <summary>One candidate per key, at the position of the key's first occurrence, with the highest confidence.</summary>
    private static List<PrefetchCandidate> Merge(IEnumerable<PrefetchCandidate> candidates)
    {
        var merged = new List<PrefetchCandidate>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            Validate(candidate);
            if (!positions.TryGetValue(candidate.Data.Key, out var at))
            {
                positions.Add(candidate.Data.Key, merged.Count);
                merged.Add(candidate);
            }
            else if (candidate.Confidence > merged[at].Confidence)
            {
                merged[at] = candidate;
            }
        }

        return merged;
    }

    private static void Validate(PrefetchCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(candidate.Data, "candidate.Data");
        ArgumentNullException.ThrowIfNull(candidate.Data.Key, "candidate.Data.Key");
        if (candidate.Data.SizeBytes < 0)
            throw new ArgumentException($"candidate {candidate.Data.Key} has a negative size {candidate.Data.SizeBytes}", nameof(candidate));
        if (!(candidate.Confidence is >= 0 and <= 1))
            throw new ArgumentException($"candidate {candidate.Data.Key} has confidence {candidate.Confidence}, not in [0, 1]", nameof(candidate));
    }

    // Density descending, then confidence descending, then key ordinal: a total order on distinct keys, so the sort is deterministic.
    private static int ByDensity(Ranked x, Ranked y)
    {
        var c = y.Density.CompareTo(x.Density);
        if (c != 0) return c;
        c = y.Candidate.Confidence.CompareTo(x.Candidate.Confidence);
        return c != 0 ? c : string.CompareOrdinal(x.Candidate.Data.Key, y.Candidate.Data.Key);
    }

    private readonly record struct Ranked(PrefetchCandidate Candidate, double Density);
}
