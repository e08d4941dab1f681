using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace TaskAffinity.Core.Tasks;

/// <summary>
/// One task as an application submits it. Immutable; build with an object initializer and <c>with</c>.
/// </summary>
public sealed record TaskSpec
{
    /// <summary>Unique within its chain.</summary>
    public required string Id { get; init; }

    public required TaskType Type { get; init; }

    /// <summary>The "code pointer": which handler runs it. Empty means the handler registered for <see cref="Type"/>.</summary>
    public string Handler { get; init; } = "";

    public string InputSchema { get; init; } = "";
    public string OutputSchema { get; init; } = "";

    public ImmutableArray<DataRef> Inputs { get; init; } = ImmutableArray<DataRef>.Empty;

    public ResourceVector Resources { get; init; } = ResourceVector.Zero;

    public TimeSpan EstimatedDuration { get; init; } = TimeSpan.Zero;

    /// <summary>The argument handed to the handler (opaque to the scheduler, often JSON).</summary>
    public string Payload { get; init; } = "";

    /// <summary>Ids of tasks in the same chain that must succeed before this one may run.</summary>
    public ImmutableArray<string> DependsOn { get; init; } = ImmutableArray<string>.Empty;

    // Worked out from the fields, so not written as if they were some (JSON of a task leaves all three out).
    [JsonIgnore]
    public long PayloadBytes => System.Text.Encoding.UTF8.GetByteCount(Payload ?? "");

    [JsonIgnore]
    public long InputBytes => Inputs.IsDefault ? 0 : Inputs.Sum(i => i.SizeBytes);

    /// <summary>The handler name that serves this task: the explicit code pointer or else the type name.</summary>
    [JsonIgnore]
    public string HandlerName => string.IsNullOrEmpty(Handler) ? Type.Name : Handler;
}
