using System.Collections.Immutable;

namespace TaskAffinity.Core.Tasks;

/// <summary>
/// What admission knows about the cluster when a chain arrives: which task types some online worker serves,
/// the largest capacity any single host offers in each dimension, and the per-chain task limit.
/// </summary>
public sealed record AdmissionRules(ImmutableHashSet<TaskType> ServedTypes, ResourceVector LargestHost, int MaxTasksPerChain);

/// <summary>
/// Decides whether a submitted chain may be accepted: the graph must be valid, and the cluster must be able to
/// run every task in it. Returns every problem, each naming the task and field.
/// </summary>
public static class Admission
{
    public static GraphValidation Check(IReadOnlyList<TaskSpec>? tasks, AdmissionRules rules)
    {
        if (tasks is not null && tasks.Count > rules.MaxTasksPerChain)
            return GraphValidation.Invalid([new ValidationProblem(null, "tasks",
                $"the chain has {tasks.Count} tasks, more than the limit of {rules.MaxTasksPerChain} (taskaffinity.chains.max-tasks)")]);

        var validation = TaskGraph.TryCreate(tasks);
        var problems = validation.Problems.ToList();
        foreach (var task in (tasks ?? []).Where(t => t is not null))
        {
            var id = string.IsNullOrWhiteSpace(task.Id) ? null : task.Id;
            if (TaskType.IsValidName(task.Type.Name) && !rules.ServedTypes.Contains(task.Type))
                problems.Add(new ValidationProblem(id, "type", rules.ServedTypes.IsEmpty
                    ? $"no handler serves task type '{task.Type.Name}': no worker is online yet"
                    : $"no handler serves task type '{task.Type.Name}' (served: {string.Join(", ", rules.ServedTypes.Select(t => t.Name).Order(StringComparer.Ordinal))})"));

            if (task.Resources.FitsWithin(rules.LargestHost)) continue; // the usual case, without listing dimensions
            var largest = rules.LargestHost.Dimensions().ToDictionary(d => d.Name, d => d.Value);
            foreach (var (name, value) in task.Resources.Dimensions())
                if (double.IsFinite(value) && value > largest[name]) // non-finite values are reported by the graph rules
                    problems.Add(new ValidationProblem(id, $"resources.{name}",
                        $"requests {value}, more than any host offers (largest: {largest[name]})"));
        }
        return problems.Count == 0 ? validation : GraphValidation.Invalid(problems);
    }
}
