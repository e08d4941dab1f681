using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// What a chain persists: <see cref="ChainAccepted"/>, then its outcomes in <see cref="ChainCheckpoint"/>s
/// (often a single one, which also says the chain finished). Dispatches and leases are not persisted (after
/// recovery every unfinished task is simply placed again). <see cref="TaskSucceeded"/>, <see cref="TaskFailed"/>
/// and <see cref="ChainFinishedEvent"/> as separate events are what earlier versions wrote; they are still read.
/// Field names are part of the stored format: add fields with defaults, never rename.
/// </summary>
public interface IChainEvent : IWithChainId;

public sealed record ChainAccepted(string ChainId, string AppId, ImmutableArray<TaskSpec> Tasks, DateTimeOffset AcceptedAt) : IChainEvent;

public sealed record TaskSucceeded(string ChainId, string TaskId, int Attempt, string WorkerId, string Output, double RunMs, double LatencyMs) : IChainEvent;

/// <summary>A failed attempt. <paramref name="Final"/> when the retry limit is reached: its dependents are cancelled.</summary>
public sealed record TaskFailed(string ChainId, string TaskId, int Attempt, string WorkerId, string Error, bool Final, double RunMs, double LatencyMs) : IChainEvent;

/// <summary>Written once, when every task has reached an end; what "the chain completed" means in the journal.</summary>
public sealed record ChainFinishedEvent(string ChainId, ChainPhase Phase, DateTimeOffset FinishedAt) : IChainEvent;

/// <summary>
/// Outcomes recorded together in one write: failures first (in the order they happened), then successes.
/// <paramref name="Finished"/> is set when these outcomes end the chain.
/// </summary>
public sealed record ChainCheckpoint(
    string ChainId, ImmutableArray<TaskFailed> Failed, ImmutableArray<TaskSucceeded> Succeeded, ChainPhase? Finished, DateTimeOffset At) : IChainEvent
{
    /// <summary>The (task, attempt) of every outcome recorded here.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<(string TaskId, int Attempt)> Outcomes =>
        (Failed.IsDefault ? [] : Failed.Select(f => (f.TaskId, f.Attempt)))
        .Concat(Succeeded.IsDefault ? [] : Succeeded.Select(s => (s.TaskId, s.Attempt)));

    /// <summary>The outcomes and the end as the separate events they stand for, in the order they apply.</summary>
    public IEnumerable<IChainEvent> Expand()
    {
        foreach (var f in Failed.IsDefault ? [] : Failed) yield return f;
        foreach (var s in Succeeded.IsDefault ? [] : Succeeded) yield return s;
        if (Finished is { } phase) yield return new ChainFinishedEvent(ChainId, phase, At);
    }
}
