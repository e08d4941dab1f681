using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Core.Placement;

/// <summary>
/// What a chain still has to run after a task ends: the longest path through the tasks that depend on it
/// (directly or not); and how our line weighs it. Shortest expected first alone holds
/// back the long task that leads a long chain, and so the chain's end; counting the path after a task puts
/// such a task ahead, as a critical-path list scheduler does.
/// </summary>
public static class CriticalPath
{
    /// <summary>
    /// How much the path after a task counts against its own expected duration in our line's order. On
    /// wfinstances (seeds 42, 1, 3) 2 gave mean makespan 1,577, 1,629 and 1,739 s against least-loaded's
    /// 1,842, 1,788 and 1,868; 0 (shortest expected first alone) gave 1,609, 2,030 and 1,900.
    /// </summary>
    public const double DefaultWeight = 2;

    /// <summary>
    /// The tasks on the longest path (most tasks) after <paramref name="taskId"/>, in order; empty when nothing
    /// depends on it. <paramref name="dependents"/> gives the tasks that depend directly on a task; the graph must
    /// be acyclic (admission checks that). Chosen by count, not time, so a chain can work it out without the
    /// model; the line weighs it with the durations learned by then (on wfinstances this did as well as choosing
    /// the heaviest path by the durations learned when the task joined: mean makespan 1,577, 1,629 and 1,739 s
    /// against 1,676, 1,589 and 1,734). Each task is looked at once, so a wide graph costs its size.
    /// </summary>
    public static List<string> After(string taskId, Func<string, IEnumerable<string>> dependents)
    {
        ArgumentNullException.ThrowIfNull(dependents);
        // The longest path starting at each task, itself included, and the task after it on that path: worked
        // out children first, without recursion (a workflow can be thousands of tasks deep).
        var from = new Dictionary<string, (int Tasks, string? Next)>(StringComparer.Ordinal);
        var stack = new Stack<(string Id, bool ChildrenDone)>();
        stack.Push((taskId, false));
        while (stack.Count > 0)
        {
            var (id, childrenDone) = stack.Pop();
            if (from.ContainsKey(id)) continue;
            if (!childrenDone)
            {
                stack.Push((id, true));
                foreach (var child in dependents(id))
                    if (!from.ContainsKey(child)) stack.Push((child, false));
                continue;
            }
            (int Tasks, string? Next) longest = (0, null);
            foreach (var child in dependents(id))
                if (from[child].Tasks > longest.Tasks) longest = (from[child].Tasks, child);
            from[id] = (longest.Tasks + 1, longest.Next);
        }
        var path = new List<string>();
        for (var next = from[taskId].Next; next is not null; next = from[next].Next) path.Add(next);
        return path;
    }

    /// <summary>
    /// Our line's estimate for a waiting task (<see cref="LineOrder.ShortestExpected"/>, least first): its type's
    /// expected duration less <paramref name="weight"/> times the path after it, each weighed as now learned
    /// (an unknown type as 0). Null when its own type's duration is unknown.
    /// </summary>
    public static double? LineEstimateMs(TaskType type, IEnumerable<TaskType> pathAfter, Func<TaskType, double?> expectedMs, double weight = DefaultWeight)
    {
        ArgumentNullException.ThrowIfNull(expectedMs);
        if (expectedMs(type) is not { } own) return null;
        var path = 0.0;
        foreach (var next in pathAfter) path += expectedMs(next) ?? 0;
        return own - weight * path;
    }
}
