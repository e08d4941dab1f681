namespace TaskAffinity.Core.Tasks;

/// <summary>
/// Finds dependency cycles so the error can name the tasks on each one.
/// Kahn's algorithm strips every task that can be ordered; what remains lies on a cycle or downstream of
/// one. Walking dependencies from a remaining task must then revisit a task: the walk from that point is a
/// cycle. Iterative, so deep chains cannot overflow the stack.
/// </summary>
internal static class CycleFinder
{
    public static IReadOnlyList<IReadOnlyList<string>> FindCycles(IReadOnlyList<TaskSpec> tasks)
    {
        if (ListedInOrder(tasks)) return [];
        var known = tasks.Where(t => !string.IsNullOrWhiteSpace(t.Id))
            .GroupBy(t => t.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var deps = known.ToDictionary(
            kv => kv.Key,
            kv => (kv.Value.DependsOn.IsDefault ? [] : kv.Value.DependsOn).Where(d => d is not null && known.ContainsKey(d)).Distinct().ToList(),
            StringComparer.Ordinal);

        // Kahn: repeatedly remove tasks whose dependencies are all removed.
        var remainingDeps = deps.ToDictionary(kv => kv.Key, kv => kv.Value.Count, StringComparer.Ordinal);
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (child, parents) in deps)
            foreach (var parent in parents)
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(child);
        var ready = new Queue<string>(remainingDeps.Where(kv => kv.Value == 0).Select(kv => kv.Key));
        while (ready.Count > 0)
        {
            var id = ready.Dequeue();
            remainingDeps.Remove(id);
            if (!children.TryGetValue(id, out var kids)) continue;
            foreach (var kid in kids)
                if (remainingDeps.ContainsKey(kid) && --remainingDeps[kid] == 0)
                    ready.Enqueue(kid);
        }

        var cycles = new List<IReadOnlyList<string>>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in tasks.Select(t => t.Id).Where(id => id is not null && remainingDeps.ContainsKey(id)))
        {
            if (reported.Contains(start)) continue;
            var path = new List<string>();
            var position = new Dictionary<string, int>(StringComparer.Ordinal);
            var current = start;
            while (!position.ContainsKey(current) && !reported.Contains(current))
            {
                position[current] = path.Count;
                path.Add(current);
                current = deps[current].First(remainingDeps.ContainsKey);
            }
            if (position.TryGetValue(current, out var at))
            {
                var cycle = path.Skip(at).Reverse().ToList(); // reversed: parent -> child reads as execution order
                cycles.Add(cycle);
                reported.UnionWith(cycle);
            }
            reported.UnionWith(path);
        }
        return cycles;
    }

    /// <summary>
    /// Whether every task comes after all it depends on, as applications usually list them: such a list is an
    /// order of the graph, so it has no cycle (the common case, answered without building the graph).
    /// </summary>
    private static bool ListedInOrder(IReadOnlyList<TaskSpec> tasks)
    {
        var earlier = new HashSet<string>(tasks.Count, StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (task.Id is null) return false;
            if (!task.DependsOn.IsDefault)
                foreach (var dependency in task.DependsOn)
                    if (dependency is null || !earlier.Contains(dependency))
                        return false;
            earlier.Add(task.Id);
        }
        return true;
    }
}
