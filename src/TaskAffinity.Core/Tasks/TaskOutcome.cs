namespace TaskAffinity.Core.Tasks;

/// <summary>
/// What happened when a task ran once: how long it took, what it used, what it produced or why it failed.
/// </summary>
public sealed record TaskOutcome(TimeSpan Duration, ResourceVector ResourcesUsed, long BytesRead, string Output, string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>
    /// The worker refused a task taken from its prefetch buffer as unsuitable (the handler said so before doing
    /// anything). Not a failure: the task goes back to its chain to be placed again, and the refusal lowers the
    /// score that sent it there.
    /// </summary>
    public bool Refused { get; init; }

    public static TaskOutcome Refusal(TimeSpan duration, string reason) =>
        new(duration, ResourceVector.Zero, 0, "", reason) { Refused = true };

    public static TaskOutcome Success(TimeSpan duration, ResourceVector used, long bytesRead, string output) =>
        new(duration, used, bytesRead, output, null);

    public static TaskOutcome Failure(TimeSpan duration, ResourceVector used, string error) =>
        new(duration, used, 0, "", error);
}
