namespace TaskAffinity.Core.Placement;

/// <summary>The knobs of <see cref="AffinityPolicy"/>, each with its default and valid range.</summary>
public sealed record AffinityPolicyOptions
{
    public static readonly AffinityPolicyOptions Default = new();

    /// <summary>β in [0, 1]: the continuity factor for a next type the worker's last type never leads to. 1 ignores the prediction.</summary>
    public double ContinuityFloor { get; init; } = 0.7;

    /// <summary>κ in [0, 1]: how much a host that has none of the inputs cached loses against one that has them all.</summary>
    public double CacheWeight { get; init; } = 0.2;

    /// <summary>L in [0, 10]: how strongly work in hand lowers a worker's score while it still has room.</summary>
    public double LoadWeight { get; init; } = 0.5;

    /// <summary>
    /// R in 1..1000: tasks in hand per slot (running + queued) beyond which a worker has no room and is only
    /// chosen when no eligible worker has room. 2 = one running and one waiting per slot, enough to hide the
    /// hand-off; a deeper queue only adds waiting behind a fast worker.
    /// </summary>
    public int MaxQueuePerSlot { get; init; } = 2;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check(problems, "continuityFloor", ContinuityFloor, 0, 1);
        Check(problems, "cacheWeight", CacheWeight, 0, 1);
        Check(problems, "loadWeight", LoadWeight, 0, 10);
        Check(problems, "maxQueuePerSlot", MaxQueuePerSlot, 1, 1000);
        return problems;
    }

    private static void Check(List<string> problems, string name, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
            problems.Add($"{name} must be in [{min}, {max}], was {value}");
    }
}
