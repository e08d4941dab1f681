using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Prediction;

/// <summary>
/// The complete learned state of a <see cref="SequencePredictor"/>, made of plain records so System.Text.Json
/// (or any serializer) can carry it: restoring it predicts exactly as the original did.
/// <para>
/// Counts are <em>stored</em> counts with the <c>Weight</c> of their decay clock: the decayed count is
/// <c>stored / Weight</c> (see <see cref="DecayClock"/>); keeping both makes the round trip bit-exact.
/// Count arrays are indexed by the position of the type in <see cref="Types"/>.
/// </para>
/// </summary>
public sealed record PredictorSnapshot(
    int Version,
    ImmutableArray<TaskType> Types,
    ImmutableArray<string> Apps,
    MarkovSnapshot Markov,
    NaiveBayesSnapshot Bayes,
    CombinerSnapshot Combiner,
    PredictionCounters Counters,
    ChainGraphSnapshot Chains)
{
    public const int CurrentVersion = 1;
}

/// <summary>Every context row of the Markov model; the row with an empty context is order 0.</summary>
public sealed record MarkovSnapshot(double Weight, ImmutableArray<CountRowSnapshot> Rows);

/// <summary>Counts of the next type after <see cref="Context"/> (oldest first), by type position, and their total.</summary>
public sealed record CountRowSnapshot(ImmutableArray<TaskType> Context, ImmutableArray<double> Counts, double Total)
{
    internal static CountRowSnapshot From(TypeIndex types, CountRow row)
    {
        var counts = new double[types.Count];
        for (var j = 1; j <= types.Count; j++) counts[j - 1] = row[j];
        return new CountRowSnapshot([.. row.Context.Select(id => types[id])], ImmutableArray.Create(counts), row.Total);
    }

    /// <summary>Rebuilds the row; the snapshot's types must have been interned first, in order (ids = position + 1).</summary>
    internal CountRow ToRow(TypeIndex types, int[] context)
    {
        var row = new CountRow(context, types.Count + 1);
        var counts = Counts.IsDefault ? [] : Counts;
        for (var i = 0; i < counts.Length; i++)
            if (counts[i] != 0) row.Add(i + 1, counts[i]);
        row.Total = Total;
        return row;
    }
}

/// <summary>
/// Naive Bayes counts. <see cref="FeatureCountsSnapshot.Feature"/>: 0 last type, 1 last two types, 2 app,
/// 3 hour of day, 4 worker's last type; <see cref="FeatureCountsSnapshot.Value"/>: a type position + 1
/// (0 = none), <c>previous &lt;&lt; 28 | last</c> for two types, an app position + 1 (0 = none), or hour + 1.
/// </summary>
public sealed record NaiveBayesSnapshot(double Weight, CountRowSnapshot Prior, ImmutableArray<FeatureCountsSnapshot> Features);

public sealed record FeatureCountsSnapshot(int Feature, long Value, CountRowSnapshot Counts);

/// <summary>
/// State of the combiner: discounted cumulative log-losses of the two models, and the short and long loss
/// averages the drift detector compares (with its cooldown).
/// </summary>
public sealed record CombinerSnapshot(double MarkovLoss, double BayesLoss, double ShortLoss, double LongLoss, long Cooldown);

/// <summary>Raw counters behind <see cref="PredictionStats"/>.</summary>
public sealed record PredictionCounters(long Observations, long Correct, long TypeChanges, long CorrectOnChange,
    double RecentLogLoss, long DriftsDetected);

public sealed record ChainGraphSnapshot(double Weight, ImmutableArray<ChainEdgeSnapshot> Edges);

/// <summary>Stored counts of one edge: transitions and Σ w·bytes.</summary>
public sealed record ChainEdgeSnapshot(TaskType From, TaskType To, double Count, double Bytes);
