using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>The probability of one next task type.</summary>
public readonly record struct TypeProbability(TaskType Type, double Probability);

/// <summary>
/// A distribution over the next task type: <see cref="Probabilities"/> sorted descending (ties by name),
/// summing to 1, or empty when nothing is known; <see cref="Confidence"/> in [0, 1].
/// </summary>
public sealed record NextTypeDistribution(ImmutableArray<TypeProbability> Probabilities, double Confidence)
{
    public static readonly NextTypeDistribution Empty = new(ImmutableArray<TypeProbability>.Empty, 0);

    public double P(TaskType type)
    {
        if (Probabilities.IsDefault) return 0;
        foreach (var entry in Probabilities)
        {
            if (entry.Type == type) return entry.Probability;
        }
        return 0;
    }

    public TaskType? Top => Probabilities.IsDefaultOrEmpty ? (TaskType?)null : Probabilities[0].Type;

    /// <summary>
    /// Normalises non-negative weights into a distribution, sorted descending with ties by name. Confidence is
    /// the top probability: how often betting on <see cref="Top"/> would be right.
    /// </summary>
    public static NextTypeDistribution FromWeights(IEnumerable<KeyValuePair<TaskType, double>> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var positive = weights.Where(w => double.IsFinite(w.Value) && w.Value > 0).ToList();
        var total = positive.Sum(w => w.Value);
        if (total <= 0) return Empty;
        var probabilities = positive
            .GroupBy(w => w.Key)
            .Select(g => new TypeProbability(g.Key, g.Sum(w => w.Value) / total))
            .OrderByDescending(p => p.Probability).ThenBy(p => p.Type.Name, StringComparer.Ordinal)
            .ToImmutableArray();
        return new NextTypeDistribution(probabilities, probabilities[0].Probability);
    }
}

/// <summary>P(next | <see cref="From"/>) for one previous task type.</summary>
public sealed record TransitionRow(TaskType From, ImmutableArray<TypeProbability> Next);

/// <summary>
/// A compact order-1 transition table P(next | last) that schedulers hold. For a previous type the table has
/// no row for (or none at all), it answers with the marginal: the plain average of its rows, each previous
/// type counting once (the table carries no counts to weight them by).
/// </summary>
public sealed record TransitionTable(ImmutableArray<TransitionRow> Rows)
{
    public static readonly TransitionTable Empty = new(ImmutableArray<TransitionRow>.Empty);

    /// <summary>
    /// P(<paramref name="to"/> | <paramref name="from"/>), as <see cref="Next"/> would give it, without building the
    /// whole distribution: the scheduler asks this at every placement.
    /// </summary>
    public double P(TaskType from, TaskType to)
    {
        if (Rows.IsDefaultOrEmpty) return 0;
        foreach (var row in Rows)
        {
            if (row.From != from) continue;
            double total = 0, matching = 0;
            foreach (var (type, weight) in Pairs(row))
            {
                total += weight;
                if (type == to) matching += weight;
            }
            return total > 0 ? matching / total : 0;
        }
        return Marginal().P(to);
    }

    public NextTypeDistribution Next(TaskType? from)
    {
        if (Rows.IsDefaultOrEmpty) return NextTypeDistribution.Empty;
        if (from is { } last)
        {
            foreach (var row in Rows)
            {
                if (row.From == last) return NextTypeDistribution.FromWeights(Pairs(row));
            }
        }
        return Marginal();
    }

    /// <summary>The average of the rows: what follows "some type" when the previous one is not known.</summary>
    public NextTypeDistribution Marginal() =>
        Rows.IsDefaultOrEmpty ? NextTypeDistribution.Empty : NextTypeDistribution.FromWeights(Rows.SelectMany(Pairs));

    private static IEnumerable<KeyValuePair<TaskType, double>> Pairs(TransitionRow row)
    {
        if (row.Next.IsDefaultOrEmpty) yield break;
        // each row is normalised first so that every previous type weighs the same in the marginal
        var total = row.Next.Where(n => double.IsFinite(n.Probability) && n.Probability > 0).Sum(n => n.Probability);
        if (total <= 0) yield break;
        foreach (var next in row.Next)
        {
            if (double.IsFinite(next.Probability) && next.Probability > 0)
                yield return new KeyValuePair<TaskType, double>(next.Type, next.Probability / total);
        }
    }
}
