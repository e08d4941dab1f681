namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Exponential forgetting for a set of counts without touching every count on every step.
/// <para>
/// Decayed count after T observations: c_T = Σ_t γ^(T−t)·x_t with γ = 2^(−1/halfLife). Instead of multiplying
/// every count by γ per step we add the growing weight W_t = γ^(−t) to the <em>stored</em> count, so
/// c_T = stored / W_T: ratios of counts need no correction at all, and a true count is one multiplication.
/// When W grows past <see cref="RenormalizeAbove"/> the owner divides every stored count by W once and W
/// restarts at 1 (once every ~500 half-lives: amortised nothing).
/// </para>
/// </summary>
internal sealed class DecayClock
{
    internal const double RenormalizeAbove = 1e150;

    private readonly double _growth;

    public DecayClock(double halfLife, double weight = 1)
    {
        _growth = double.IsPositiveInfinity(halfLife) ? 1 : Math.Pow(2, 1 / halfLife);
        Weight = weight;
        Inverse = 1 / weight;
    }

    /// <summary>Weight added for the current observation: stored = Σ W_t·x_t.</summary>
    public double Weight { get; private set; }

    /// <summary>1 / W: true count = stored × Inverse.</summary>
    public double Inverse { get; private set; }

    /// <summary>Moves the clock one observation on; true when the owner must call <see cref="Rescale"/> first.</summary>
    public bool Tick()
    {
        Weight *= _growth;
        Inverse = 1 / Weight;
        return Weight > RenormalizeAbove;
    }

    /// <summary>
    /// After the owner divided every stored count by the returned factor, W restarts at 1 (true counts unchanged).
    /// </summary>
    public double Rescale()
    {
        var factor = Weight;
        Weight = 1;
        Inverse = 1;
        return factor;
    }

    /// <summary>
    /// Multiplies every true count by <paramref name="keep"/> in O(1): c = stored / W, so W ← W / keep.
    /// Used when drift is detected, to let new evidence outweigh the old regime quickly.
    /// </summary>
    public bool Forget(double keep)
    {
        Weight /= keep;
        Inverse = 1 / Weight;
        return Weight > RenormalizeAbove;
    }
}
