namespace TaskAffinity.Core.Tasks;

/// <summary>
/// What happened when a task ran once: how long it took, what it used, what it produced or why it failed.
/// </summary>
public sealed record TaskOutcome(TimeSpan Duration, ResourceVector ResourcesUsed, long BytesRead, string Output, string? Error)
{
    public bool Succeeded => Error is null;

    public static TaskOutcome Success(TimeSpan duration, ResourceVector used, long bytesRead, string output) =>
        new(duration, used, bytesRead, output, null);

    public static TaskOutcome Failure(TimeSpan duration, ResourceVector used, string error) =>
        new(duration, used, 0, "", error);
}
