namespace TaskAffinity.Core.Tasks;

/// <summary>Field-level checks of one task, independent of the rest of the graph and of the cluster.</summary>
internal static class TaskSpecRules
{
    public static IEnumerable<ValidationProblem> Check(TaskSpec task)
    {
        var id = string.IsNullOrWhiteSpace(task.Id) ? null : task.Id;
        if (id is null)
            yield return new ValidationProblem(null, "id", "a task has an empty id");
        else if (id.Length > 256)
            yield return new ValidationProblem(id, "id", "is longer than 256 characters");

        if (!TaskType.IsValidName(task.Type.Name))
            yield return new ValidationProblem(id, "type",
                $"'{task.Type.Name}' is not a task type name (letters, digits, '.', '-', '_'; 1 to 128 characters)");

        if (!FiniteAndNonNegative(task.Resources))
            foreach (var (name, value) in task.Resources.Dimensions())
                if (!FiniteAndNonNegative(value))
                    yield return new ValidationProblem(id, $"resources.{name}", $"must be a finite number >= 0, was {value}");

        if (task.EstimatedDuration < TimeSpan.Zero)
            yield return new ValidationProblem(id, "estimatedDuration", $"must not be negative, was {task.EstimatedDuration}");

        if (task.Inputs.IsDefault)
            yield break;
        for (var i = 0; i < task.Inputs.Length; i++)
        {
            var input = task.Inputs[i];
            if (input is null || string.IsNullOrWhiteSpace(input.Key))
                yield return new ValidationProblem(id, $"inputs[{i}].key", "is empty");
            else if (input.SizeBytes < 0)
                yield return new ValidationProblem(id, $"inputs[{i}].sizeBytes", $"must not be negative, was {input.SizeBytes}");
        }
    }

    private static bool FiniteAndNonNegative(double value) => double.IsFinite(value) && value >= 0;

    private static bool FiniteAndNonNegative(ResourceVector r) =>
        FiniteAndNonNegative(r.Cpu) && FiniteAndNonNegative(r.MemoryMb) && FiniteAndNonNegative(r.IoMbps)
        && FiniteAndNonNegative(r.NetworkMbps) && FiniteAndNonNegative(r.Gpu);
}
