using System.Collections.Immutable;
using TaskAffinity.Core.Tasks;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Chains;

/// <summary>The durable record of one task in its chain. Phase is Waiting until it ends (Succeeded, Failed, Cancelled).</summary>
public sealed record TaskRecord(TaskPhase Phase, int Failures, string? WorkerId, string Output, string? Error, double RunMs, double LatencyMs)
{
    public static readonly TaskRecord New = new(TaskPhase.Waiting, 0, null, "", null, 0, 0);

    public bool IsFinal => Phase is TaskPhase.Succeeded or TaskPhase.Failed or TaskPhase.Cancelled;
}

/// <summary>
/// A chain's durable state and its decisions, free of actors: <see cref="Apply"/> folds an event in,
/// the <c>Decide*</c> methods turn a command into the events to persist (none when it changes nothing).
/// </summary>
public sealed record ChainState(
    string ChainId,
    string AppId,
    TaskGraph? Graph,
    ImmutableDictionary<string, TaskRecord> Tasks,
    ChainPhase Phase,
    DateTimeOffset AcceptedAt)
{
    public static ChainState Empty(string chainId) =>
        new(chainId, "", null, ImmutableDictionary<string, TaskRecord>.Empty, ChainPhase.Running, default);

    public bool IsAccepted => Graph is not null;

    public bool IsFinished => IsAccepted && Phase != ChainPhase.Running;

    /// <summary>The attempt number the next run of a task carries (1-based).</summary>
    public int CurrentAttempt(string taskId) => Tasks[taskId].Failures + 1;

    /// <summary>Tasks not yet ended whose dependencies have all succeeded.</summary>
    public IEnumerable<TaskSpec> ReadyTasks() =>
        Graph is null || IsFinished
            ? []
            : Graph.Tasks.Where(t => Tasks[t.Id].Phase == TaskPhase.Waiting
                                     && t.DependsOn.All(d => Tasks[d].Phase == TaskPhase.Succeeded));

    /// <summary>
    /// The tasks a task leads to, up to <paramref name="steps"/> dependency steps ahead (1 = its direct
    /// dependents), nearest first and each once, leaving out those already ended. For staging their inputs early.
    /// </summary>
    public IReadOnlyList<(TaskSpec Spec, int Steps)> UpcomingAfter(string taskId, int steps)
    {
        var upcoming = new List<(TaskSpec, int)>();
        if (Graph is null || steps <= 0) return upcoming;
        var seen = new HashSet<string>(StringComparer.Ordinal) { taskId };
        var frontier = new List<string> { taskId };
        for (var step = 1; step <= steps && frontier.Count > 0; step++)
        {
            var next = new List<string>();
            foreach (var id in frontier)
                foreach (var dependent in Graph.DependentsOf(id))
                    if (seen.Add(dependent) && !Tasks[dependent].IsFinal)
                    {
                        upcoming.Add((Graph[dependent], step));
                        next.Add(dependent);
                    }
            frontier = next;
        }
        return upcoming;
    }

    /// <summary>
    /// The task types that led to a task, oldest first: its first dependency, that one's first dependency, and
    /// so on (up to <paramref name="max"/>). For the linear chains most sessions are, this is the sequence so far.
    /// </summary>
    public ImmutableArray<TaskType> HistoryOf(string taskId, int max = 8)
    {
        var history = new List<TaskType>();
        var current = Graph![taskId];
        while (history.Count < max && current.DependsOn.Length > 0)
        {
            current = Graph[current.DependsOn[0]];
            history.Add(current.Type);
        }
        history.Reverse();
        return [.. history];
    }

    // ---- decisions ----

    public IReadOnlyList<IChainEvent> DecideAccept(SubmitChain submit, TaskGraph graph, DateTimeOffset now) =>
        IsAccepted ? [] : [new ChainAccepted(ChainId, submit.AppId, graph.Tasks, now)];

    /// <summary>
    /// The outcome a worker reported, as the event to record (none when it changes nothing: a duplicate, or a
    /// failure of an attempt already superseded). Apply it at once; <see cref="Checkpoint"/> writes it later.
    /// </summary>
    /// <param name="maxRetries">How many times a failed task of this type is retried before it fails for good.</param>
    public IChainEvent? DecideOutcome(TaskFinished finished, int maxRetries, double latencyMs)
    {
        if (!IsAccepted || !Tasks.TryGetValue(finished.TaskId, out var record) || record.IsFinal)
            return null;

        var runMs = finished.Outcome.Duration.TotalMilliseconds;
        if (finished.Outcome.Succeeded)
        {
            // A success is a real result whichever attempt produced it (e.g. one re-placed after a lost lease).
            return new TaskSucceeded(ChainId, finished.TaskId, finished.Attempt, finished.WorkerId, finished.Outcome.Output, runMs, latencyMs);
        }
        // A failure counts only for the current attempt; an older attempt's failure was already superseded.
        if (finished.Attempt != record.Failures + 1)
            return null;
        var final = record.Failures >= maxRetries;
        return new TaskFailed(ChainId, finished.TaskId, finished.Attempt, finished.WorkerId,
            finished.Outcome.Error ?? "failed", final, runMs, latencyMs);
    }

    /// <summary>
    /// The outcomes applied since the last write, as one event to persist; it says the chain finished when this
    /// state is finished. Applying it to the state before those outcomes gives this state.
    /// </summary>
    public ChainCheckpoint Checkpoint(IReadOnlyList<IChainEvent> outcomes, DateTimeOffset now) =>
        new(ChainId, [.. outcomes.OfType<TaskFailed>()], [.. outcomes.OfType<TaskSucceeded>()], IsFinished ? Phase : null, now);

    /// <summary>Applies an outcome, and ends the chain when it was the last one.</summary>
    public ChainState ApplyOutcome(IChainEvent outcome)
    {
        var after = Apply(outcome);
        return after.AllTasksEnded ? after with { Phase = after.OutcomePhase } : after;
    }

    private bool AllTasksEnded => Tasks.Values.All(t => t.IsFinal);

    private ChainPhase OutcomePhase => Tasks.Values.All(t => t.Phase == TaskPhase.Succeeded) ? ChainPhase.Completed : ChainPhase.Failed;

    // ---- snapshots (see ChainBook) ----

    public ChainSnapshot ToSnapshot() => new(ChainId, AppId, Graph!.Tasks, Tasks, Phase, AcceptedAt);

    public static ChainState FromSnapshot(ChainSnapshot s) =>
        new(s.ChainId, s.AppId, TaskGraph.FromValidated(s.Tasks), s.Records.WithComparers(StringComparer.Ordinal), s.Phase, s.AcceptedAt);

    // ---- events ----

    /// <summary>Applies a submission whose graph the caller has built already (<see cref="Apply"/> builds it from the event).</summary>
    public ChainState Accept(ChainAccepted a, TaskGraph graph) => this with
    {
        AppId = a.AppId,
        Graph = graph,
        Tasks = a.Tasks.ToImmutableDictionary(t => t.Id, _ => TaskRecord.New, StringComparer.Ordinal),
        AcceptedAt = a.AcceptedAt,
    };

    public ChainState Apply(IChainEvent e) => e switch
    {
        ChainAccepted a => Accept(a, TaskGraph.FromValidated(a.Tasks)),
        TaskSucceeded s => Update(s.TaskId, r => r with
        {
            Phase = TaskPhase.Succeeded, WorkerId = s.WorkerId, Output = s.Output, Error = null, RunMs = s.RunMs, LatencyMs = s.LatencyMs,
        }),
        TaskFailed f when f.Final => CancelDependents(f.TaskId, Update(f.TaskId, r => r with
        {
            Phase = TaskPhase.Failed, Failures = r.Failures + 1, WorkerId = f.WorkerId, Error = f.Error, RunMs = f.RunMs, LatencyMs = f.LatencyMs,
        })),
        TaskFailed f => Update(f.TaskId, r => r with { Failures = r.Failures + 1, WorkerId = f.WorkerId, Error = f.Error }),
        ChainFinishedEvent done => this with { Phase = done.Phase },
        ChainCheckpoint checkpoint => checkpoint.Expand().Aggregate(this, (state, e) => state.Apply(e)),
        _ => this,
    };

    private ChainState Update(string taskId, Func<TaskRecord, TaskRecord> change) =>
        this with { Tasks = Tasks.SetItem(taskId, change(Tasks[taskId])) };

    /// <summary>A task that failed for good takes every task downstream of it with it.</summary>
    private static ChainState CancelDependents(string failedTaskId, ChainState state)
    {
        var tasks = state.Tasks.ToBuilder();
        var pending = new Stack<string>(state.Graph!.DependentsOf(failedTaskId));
        while (pending.Count > 0)
        {
            var id = pending.Pop();
            if (tasks[id].Phase != TaskPhase.Waiting) continue;
            tasks[id] = tasks[id] with { Phase = TaskPhase.Cancelled, Error = $"cancelled: depends on failed task '{failedTaskId}'" };
            foreach (var child in state.Graph.DependentsOf(id))
                pending.Push(child);
        }
        return state with { Tasks = tasks.ToImmutable() };
    }
}

/// <summary>A chain's state as its book's snapshot holds it (<see cref="ChainBookProtocol.ChainBookSnapshot"/>).</summary>
public sealed record ChainSnapshot(
    string ChainId, string AppId, ImmutableArray<TaskSpec> Tasks, ImmutableDictionary<string, TaskRecord> Records,
    ChainPhase Phase, DateTimeOffset AcceptedAt) : IWithChainId;
