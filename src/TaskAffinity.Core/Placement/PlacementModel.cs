using TaskAffinity.Core.Affinity;
using TaskAffinity.Core.Prediction;

namespace TaskAffinity.Core.Placement;

/// <summary>Everything a policy may look at besides the candidates: the latest model snapshot.</summary>
public sealed record PlacementModel(AffinityMap Affinity, TransitionTable Transitions)
{
    public static readonly PlacementModel Empty = new(AffinityMap.Empty, TransitionTable.Empty);
}
