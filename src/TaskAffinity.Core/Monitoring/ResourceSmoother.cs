namespace TaskAffinity.Core.Monitoring;

/// <summary>
/// An exponentially weighted moving average of each resource fraction, so one busy interval (a compile, a GC)
/// does not swing placement away from a host: next = α × sample + (1 − α) × previous. The first known sample of a
/// resource is taken as is; a null sample (that resource could not be read this time) keeps the previous value.
/// </summary>
/// <remarks>Not thread-safe: owned by one monitor.</remarks>
public sealed class ResourceSmoother
{
    /// <param name="alpha">In (0, 1]: the weight of the newest sample. 1 turns smoothing off.</param>
    public ResourceSmoother(double alpha)
    {
        if (!(alpha is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "must be in (0, 1]");
        Alpha = alpha;
    }

    public double Alpha { get; }

    /// <summary>The smoothed usage so far; <see cref="ResourceUsage.Unknown"/> before the first sample.</summary>
    public ResourceUsage Current { get; private set; } = ResourceUsage.Unknown;

    /// <summary>Folds <paramref name="sample"/> in and returns the new <see cref="Current"/>.</summary>
    public ResourceUsage Add(ResourceUsage sample)
    {
        Current = new ResourceUsage(
            Blend(Current.Cpu, sample.Cpu),
            Blend(Current.Memory, sample.Memory),
            Blend(Current.Disk, sample.Disk),
            Blend(Current.Network, sample.Network));
        return Current;
    }

    private double? Blend(double? previous, double? sample) =>
        (previous, sample) switch
        {
            (_, null) => previous,
            (null, _) => sample,
            _ => Alpha * sample.Value + (1 - Alpha) * previous.Value,
        };
}
