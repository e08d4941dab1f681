using System.Collections.Immutable;

namespace TaskAffinity.Core.Placement;

/// <summary>Every placement policy by the name operators and the simulator use.</summary>
public static class PlacementPolicies
{
    public static readonly ImmutableArray<string> Names =
    [
        AffinityPolicy.PolicyName,
        RoundRobinPolicy.PolicyName,
        RandomPolicy.PolicyName,
        LeastLoadedPolicy.PolicyName,
        PowerOfTwoPolicy.PolicyName,
        EarliestFinishPolicy.PolicyName,
    ];

    /// <summary>The named policy deciding from <paramref name="model"/>; <paramref name="seed"/> feeds the random draws.</summary>
    public static IPlacementPolicy Create(string name, PlacementModel model, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return name switch
        {
            AffinityPolicy.PolicyName => new AffinityPolicy(model),
            RoundRobinPolicy.PolicyName => new RoundRobinPolicy(),
            RandomPolicy.PolicyName => new RandomPolicy(seed),
            LeastLoadedPolicy.PolicyName => new LeastLoadedPolicy(),
            PowerOfTwoPolicy.PolicyName => new PowerOfTwoPolicy(seed),
            EarliestFinishPolicy.PolicyName => new EarliestFinishPolicy(model),
            _ => throw new ArgumentException($"unknown placement policy '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
