using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;

namespace TaskAffinity.Cluster.Chains;

/// <summary>
/// What a chain persists. Three kinds of events per chain plus one per task outcome; dispatches and leases
/// are not persisted (they are recomputed after recovery: every unfinished task is simply placed again).
/// Field names are part of the stored format: add fields with defaults, never rename.
/// </summary>
public interface IChainEvent : IWithChainId;

public sealed record ChainAccepted(string ChainId, string AppId, ImmutableArray<TaskSpec> Tasks, DateTimeOffset AcceptedAt) : IChainEvent;

public sealed record TaskSucceeded(string ChainId, string TaskId, int Attempt, string WorkerId, string Output, double RunMs, double LatencyMs) : IChainEvent;

/// <summary>A failed attempt. <paramref name="Final"/> when the retry limit is reached: its dependents are cancelled.</summary>
public sealed record TaskFailed(string ChainId, string TaskId, int Attempt, string WorkerId, string Error, bool Final, double RunMs, double LatencyMs) : IChainEvent;

/// <summary>Written once, when every task has reached an end; what "the chain completed" means in the journal.</summary>
public sealed record ChainFinishedEvent(string ChainId, ChainPhase Phase, DateTimeOffset FinishedAt) : IChainEvent;
