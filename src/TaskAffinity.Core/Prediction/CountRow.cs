namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Stored (inflated, see <see cref="DecayClock"/>) counts of the next type after one context, indexed by type id,
/// with their total. A class so a dictionary lookup hands out a reference that is updated in place.
/// </summary>
internal sealed class CountRow
{
    private const int InitialCapacity = 8;

    public CountRow(int[] context, int capacity = InitialCapacity)
    {
        Context = context;
        Counts = new double[Math.Max(capacity, InitialCapacity)];
    }

    /// <summary>The context's type ids, oldest first (empty for order 0); kept for snapshots and tables.</summary>
    public int[] Context { get; }

    public double[] Counts { get; private set; }

    public double Total { get; set; }

    public double this[int id] => id < Counts.Length ? Counts[id] : 0;

    public void Add(int id, double weight)
    {
        if (id >= Counts.Length)
        {
            // doubling: a new type costs one copy per row, never per observation
            var grown = new double[Math.Max(id + 1, Counts.Length * 2)];
            Counts.CopyTo(grown, 0);
            Counts = grown;
        }
        Counts[id] += weight;
        Total += weight;
    }

    public void Scale(double factor)
    {
        for (var i = 0; i < Counts.Length; i++) Counts[i] *= factor;
        Total *= factor;
    }
}
