namespace TaskAffinity.Core.Tasks;

/// <summary>
/// One thing wrong with a submission. <see cref="TaskId"/> is null for problems of the chain as a whole.
/// <see cref="Field"/> names the field as it appears in <see cref="TaskSpec"/> (camel case), so a user can find it.
/// </summary>
public sealed record ValidationProblem(string? TaskId, string Field, string Message)
{
    public override string ToString() =>
        TaskId is null ? $"{Field}: {Message}" : $"task '{TaskId}' {Field}: {Message}";
}
