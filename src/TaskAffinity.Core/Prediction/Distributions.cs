using System.Collections.Immutable;

namespace TaskAffinity.Core.Prediction;

/// <summary>Turns the models' id-indexed probability arrays into the public, sorted distributions.</summary>
internal static class Distributions
{
    /// <summary>
    /// p[1..n] → a distribution sorted by probability (then name, for determinism), renormalised to sum 1.
    /// Confidence = P(top) · m / (m + 1), m = decayed count of the evidence behind it: the chance that the top
    /// guess is right, discounted while the context has barely been seen (one observation gives at most ½).
    /// </summary>
    public static NextTypeDistribution From(TypeIndex types, ReadOnlySpan<double> p, int n, double evidence)
    {
        if (n == 0) return NextTypeDistribution.Empty;
        var sum = 0.0;
        for (var j = 1; j <= n; j++) sum += p[j];
        if (!(sum > 0)) return NextTypeDistribution.Empty;
        var items = new TypeProbability[n];
        for (var j = 1; j <= n; j++) items[j - 1] = new TypeProbability(types[j], p[j] / sum);
        Array.Sort(items, Descending);
        var confidence = Math.Clamp(items[0].Probability * evidence / (evidence + 1), 0, 1);
        return new NextTypeDistribution(ImmutableArray.Create(items), confidence);
    }

    /// <summary>Counts → probabilities of the types with a positive count, sorted descending.</summary>
    public static ImmutableArray<TypeProbability> Sorted(TypeIndex types, double[] counts, double total)
    {
        var items = new List<TypeProbability>();
        for (var j = 1; j < counts.Length && j <= types.Count; j++)
            if (counts[j] > 0) items.Add(new TypeProbability(types[j], counts[j] / total));
        items.Sort(Descending);
        return [.. items];
    }

    /// <summary>Index of the largest p[1..n] (lowest id on ties), 0 when n = 0.</summary>
    public static int ArgMax(ReadOnlySpan<double> p, int n)
    {
        var best = 0;
        var bestP = double.NegativeInfinity;
        for (var j = 1; j <= n; j++)
            if (p[j] > bestP) { bestP = p[j]; best = j; }
        return best;
    }

    private static int Descending(TypeProbability a, TypeProbability b)
    {
        var byP = b.Probability.CompareTo(a.Probability);
        return byP != 0 ? byP : string.CompareOrdinal(a.Type.Name, b.Type.Name);
    }
}
