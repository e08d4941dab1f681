namespace TaskAffinity.Core.Prediction;

/// <summary>
/// Notices when the task-type sequence changes regime, so the models can drop the old one at once instead of
/// waiting for it to decay (half-life 5,000 observations would need ~10,000 steps before new counts outweigh old).
/// <para>
/// Compares a short average of the combined log-loss (half-life LossHalfLife / 5) with a long one (half-life
/// DecayHalfLife): drift when <c>short − long &gt; max(0.3, 0.25·long)</c> nats. A new regime makes the old
/// counts predict badly, so the short loss jumps well above its usual level; noise does not (the short average
/// spans ~140 observations, its standard error is a few hundredths of a nat). On drift the counts are
/// multiplied by <see cref="Keep"/> (O(1), see <see cref="DecayClock.Forget"/>), the long average restarts at
/// the short one (a new regime may simply be harder to predict) and the detector rests for one short half-life;
/// if the loss is still far above, it fires again.
/// </para>
/// </summary>
internal sealed class DriftDetector
{
    /// <summary>
    /// Share of the counts kept on drift: the old regime then weighs like ~150 observations, not ~7,200, while the
    /// back-off structure it learnt still steers the first predictions. 0.125 took up to 1,900 steps to recover on
    /// the seeded order-2 sources, 0.02 at most 1,400.
    /// </summary>
    internal const double Keep = 0.02;

    private const double MinJump = 0.3;
    private const double RelativeJump = 0.25;

    private readonly double _shortAlpha;
    private readonly double _longAlpha;
    private readonly long _rest;

    public DriftDetector(PredictionOptions options)
    {
        var shortHalfLife = options.LossHalfLife / 5;
        _shortAlpha = 1 - Math.Pow(2, -1 / shortHalfLife);
        _longAlpha = 1 - Math.Pow(2, -1 / options.DecayHalfLife);
        _rest = (long)Math.Ceiling(shortHalfLife);
    }

    public double ShortLoss { get; private set; }

    public double LongLoss { get; private set; }

    public long Cooldown { get; private set; }

    public long Detected { get; private set; }

    /// <summary>Takes the loss of the <paramref name="observations"/>-th prediction; true when drift is detected.</summary>
    public bool Observe(double loss, long observations)
    {
        // α_t = max(α, 1/t): a plain mean until the window fills, so early averages are not biased toward 0
        ShortLoss += Math.Max(_shortAlpha, 1.0 / observations) * (loss - ShortLoss);
        LongLoss += Math.Max(_longAlpha, 1.0 / observations) * (loss - LongLoss);
        if (Cooldown > 0)
        {
            Cooldown--;
            return false;
        }
        if (observations < 2 * _rest || ShortLoss - LongLoss <= Math.Max(MinJump, RelativeJump * LongLoss))
            return false;
        Detected++;
        LongLoss = ShortLoss;
        Cooldown = _rest;
        return true;
    }

    public void Restore(double shortLoss, double longLoss, long cooldown, long detected) =>
        (ShortLoss, LongLoss, Cooldown, Detected) = (shortLoss, longLoss, cooldown, detected);
}
