namespace TaskAffinity.Core.Affinity;

/// <summary>
/// What one worker has shown for one task type: exponentially weighted averages of completion time,
/// utilisation (fractions of the host's capacity), error rate, and <see cref="Penalty"/>, the weighted share
/// of recent placements that went badly.
/// </summary>
/// <remarks>
/// EWMA with a half-life in samples: <c>x ← x + α·(sample − x)</c>, <c>α = 1 − 2^(−1/halfLife)</c>, so a sample's
/// weight halves after <c>halfLife</c> newer ones. One outlier moves the mean by α (3.4% at the default 20),
/// while a lasting change is followed within a few half-lives.
/// </remarks>
public sealed record TaskTypeProfile(
    long Samples,
    double DurationMs,
    double CpuUtil,
    double MemoryUtil,
    double IoUtil,
    double ErrorRate,
    double Penalty)
{
    public static readonly TaskTypeProfile Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>A run is "bad" when it failed or took more than this many times what was expected.</summary>
    public const double BadRunFactor = 2.0;

    public static double Alpha(double halfLifeSamples) =>
        1 - Math.Pow(2, -1 / Math.Max(halfLifeSamples, 1e-9));

    public TaskTypeProfile Observe(TaskObservation observation, double halfLifeSamples)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var durationMs = Math.Max(observation.Duration.TotalMilliseconds, 0);
        var error = observation.Failed ? 1.0 : 0.0;
        var bad = WentBadly(observation, durationMs) ? 1.0 : 0.0;

        if (Samples == 0)
        {
            // The first sample sets the averages. Penalty moves by α from where it was (0, or what refusals
            // left): one bad first run must not zero the pair's score, which would keep it from ever being tried again.
            return new TaskTypeProfile(1, durationMs, observation.CpuUtil, observation.MemoryUtil, observation.IoUtil,
                error, Ewma(Penalty, bad, Alpha(halfLifeSamples)));
        }

        var a = Alpha(halfLifeSamples);
        // A failed run often ends early; letting its duration in would make a failing worker look fast.
        // Its cost is counted by the error rate and the penalty instead.
        var duration = observation.Failed ? DurationMs : Ewma(DurationMs, durationMs, a);
        return new TaskTypeProfile(
            Samples + 1,
            duration,
            Ewma(CpuUtil, observation.CpuUtil, a),
            Ewma(MemoryUtil, observation.MemoryUtil, a),
            Ewma(IoUtil, observation.IoUtil, a),
            Ewma(ErrorRate, error, a),
            Ewma(Penalty, bad, a));
    }

    /// <summary>
    /// A worker refused a task of this type that had been placed in its prefetch buffer: the placement went
    /// badly, so the penalty moves towards 1 by α as for a bad run; the averages are untouched (nothing ran).
    /// </summary>
    public TaskTypeProfile Refused(double halfLifeSamples) => this with { Penalty = Ewma(Penalty, 1, Alpha(halfLifeSamples)) };

    /// <summary>
    /// Failed, or slower than <see cref="BadRunFactor"/> × expected. Expected is what the scheduler predicted
    /// (<see cref="TaskObservation.ExpectedDuration"/>), else this profile's own mean; with neither, only a
    /// failure counts.
    /// </summary>
    private bool WentBadly(TaskObservation observation, double durationMs)
    {
        if (observation.Failed) return true;
        var expectedMs = observation.ExpectedDuration?.TotalMilliseconds ?? (Samples > 0 ? DurationMs : 0);
        return expectedMs > 0 && durationMs > BadRunFactor * expectedMs;
    }

    private static double Ewma(double mean, double sample, double alpha) => mean + alpha * (sample - mean);
}
