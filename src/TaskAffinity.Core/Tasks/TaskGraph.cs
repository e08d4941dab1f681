using System.Collections.Immutable;

namespace TaskAffinity.Core.Tasks;

/// <summary>
/// A validated directed acyclic graph of tasks: every id unique, every dependency present, no cycle, every
/// field in range. The only way to get one is <see cref="TryCreate"/>, so holding a graph means it is valid.
/// </summary>
public sealed class TaskGraph
{
    private readonly Dictionary<string, TaskSpec> _byId;
    private readonly Dictionary<string, ImmutableArray<string>> _dependents;

    private TaskGraph(ImmutableArray<TaskSpec> tasks)
    {
        Tasks = tasks;
        // Loops rather than LINQ: a graph is built for every submission, twice (admission, then the chain).
        _byId = new Dictionary<string, TaskSpec>(tasks.Length, StringComparer.Ordinal);
        var dependents = new Dictionary<string, ImmutableArray<string>.Builder>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            _byId.Add(task.Id, task);
            foreach (var parent in task.DependsOn)
            {
                if (!dependents.TryGetValue(parent, out var children))
                    dependents[parent] = children = ImmutableArray.CreateBuilder<string>(1);
                children.Add(task.Id);
            }
        }
        _dependents = new Dictionary<string, ImmutableArray<string>>(dependents.Count, StringComparer.Ordinal);
        foreach (var (parent, children) in dependents)
            _dependents[parent] = children.ToImmutable();
    }

    /// <summary>Tasks in submission order.</summary>
    public ImmutableArray<TaskSpec> Tasks { get; }

    public int Count => Tasks.Length;

    public TaskSpec this[string taskId] => _byId[taskId];

    public bool Contains(string taskId) => _byId.ContainsKey(taskId);

    /// <summary>Tasks that depend directly on <paramref name="taskId"/>.</summary>
    public ImmutableArray<string> DependentsOf(string taskId) =>
        _dependents.TryGetValue(taskId, out var children) ? children : ImmutableArray<string>.Empty;

    /// <summary>
    /// Validates <paramref name="tasks"/> and returns the graph, or every problem found (not just the first),
    /// each naming the task and field.
    /// </summary>
    public static GraphValidation TryCreate(IReadOnlyList<TaskSpec>? tasks)
    {
        if (tasks is null || tasks.Count == 0)
            return GraphValidation.Invalid([new ValidationProblem(null, "tasks", "the graph is empty: submit at least one task")]);

        var problems = new List<ValidationProblem>();
        for (var i = 0; i < tasks.Count; i++)
            if (tasks[i] is null)
                problems.Add(new ValidationProblem(null, $"tasks[{i}]", "is null"));
        tasks = tasks.Where(t => t is not null).Select(Normalize).ToList();

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            problems.AddRange(TaskSpecRules.Check(task));
            if (!string.IsNullOrWhiteSpace(task.Id) && !ids.Add(task.Id))
                problems.Add(new ValidationProblem(task.Id, "id", $"duplicate task id '{task.Id}': ids must be unique within a chain"));
        }

        foreach (var task in tasks)
            foreach (var dependency in task.DependsOn) // distinct once normalized
            {
                if (string.IsNullOrWhiteSpace(dependency))
                    problems.Add(new ValidationProblem(task.Id, "dependsOn", "lists an empty task id"));
                else if (dependency == task.Id)
                    continue; // a self-dependency is reported as a cycle below
                if (!ids.Contains(dependency))
                    problems.Add(new ValidationProblem(task.Id, "dependsOn",
                        $"depends on task '{dependency}', which is not in the graph"));
            }

        foreach (var cycle in CycleFinder.FindCycles(tasks))
            problems.Add(new ValidationProblem(cycle[0], "dependsOn",
                $"dependency cycle: {string.Join(" -> ", cycle.Append(cycle[0]).Select(id => $"'{id}'"))}"));

        return problems.Count > 0
            ? GraphValidation.Invalid(problems)
            : GraphValidation.Valid(new TaskGraph([.. tasks]));
    }

    /// <summary>Rebuilds a graph from tasks that were validated before (e.g. when replaying a journal).</summary>
    public static TaskGraph FromValidated(ImmutableArray<TaskSpec> tasks) => new([.. tasks.Select(Normalize)]);

    private static bool HasDuplicate(ImmutableArray<string> ids)
    {
        for (var i = 1; i < ids.Length; i++)
            for (var j = 0; j < i; j++)
                if (string.Equals(ids[i], ids[j], StringComparison.Ordinal))
                    return true;
        return false;
    }

    /// <summary>Absent lists (e.g. left out of JSON) mean empty ones; duplicate dependencies mean one.</summary>
    private static TaskSpec Normalize(TaskSpec task)
    {
        var normal = !task.DependsOn.IsDefault && !task.Inputs.IsDefault && !HasDuplicate(task.DependsOn);
        return normal ? task : task with
        {
            DependsOn = task.DependsOn.IsDefault ? [] : [.. task.DependsOn.Distinct(StringComparer.Ordinal)],
            Inputs = task.Inputs.IsDefault ? [] : task.Inputs,
        };
    }
}

/// <summary>The result of <see cref="TaskGraph.TryCreate"/>: a graph, or the problems that stop it being one.</summary>
public sealed record GraphValidation(TaskGraph? Graph, ImmutableArray<ValidationProblem> Problems)
{
    public bool IsValid => Graph is not null;

    public static GraphValidation Valid(TaskGraph graph) => new(graph, ImmutableArray<ValidationProblem>.Empty);

    public static GraphValidation Invalid(IEnumerable<ValidationProblem> problems) => new(null, [.. problems]);
}
