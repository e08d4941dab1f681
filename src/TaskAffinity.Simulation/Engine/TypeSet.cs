using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Simulation.Engine;

/// <summary>The task types seen so far; every simulated worker serves all of them.</summary>
internal sealed class TypeSet
{
    public ImmutableHashSet<TaskType> All { get; private set; } = [];

    /// <returns>True when the type is new (the workers' served sets must then be renewed).</returns>
    public bool Add(TaskType type)
    {
        if (All.Contains(type)) return false;
        All = All.Add(type);
        return true;
    }
}
