using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Tests.Chains;

/// <summary>A chain's decisions and their events, without actors.</summary>
public sealed class ChainStateSpec
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private const int Retries = 2;

    private static TaskSpec Task(string id, params string[] dependsOn) =>
        new() { Id = id, Type = "SnapshotCreate", DependsOn = [.. dependsOn] };

    /// <summary>An accepted chain of <paramref name="tasks"/>.</summary>
    private static ChainState Accepted(params TaskSpec[] tasks)
    {
        var validation = TaskGraph.TryCreate(tasks);
        validation.IsValid.ShouldBeTrue(string.Join("; ", validation.Problems));
        var state = ChainState.Empty("chain-1");
        var events = state.DecideAccept(new SubmitChain("chain-1", "app-1", [.. tasks]), validation.Graph!, Now);
        events.Count.ShouldBe(1);
        return Fold(state, events);
    }

    /// <summary>root a -> b -> c, and an independent x.</summary>
    private static ChainState Branches() => Accepted(Task("a"), Task("b", "a"), Task("c", "b"), Task("x"));

    private static ChainState Fold(ChainState state, IEnumerable<IChainEvent> events) => events.Aggregate(state, (s, e) => s.Apply(e));

    private static TaskFinished Succeeded(string taskId, int attempt = 1) =>
        new("chain-1", taskId, attempt, "host/0", TaskOutcome.Success(TimeSpan.FromMilliseconds(40), ResourceVector.Zero, 10, $"out-{taskId}"));

    private static TaskFinished Failed(string taskId, int attempt = 1) =>
        new("chain-1", taskId, attempt, "host/1", TaskOutcome.Failure(TimeSpan.FromMilliseconds(25), ResourceVector.Zero, "boom"));

    /// <summary>
    /// Decides and applies an outcome as the chain does; the events are what its checkpoint stands for, and
    /// replaying that checkpoint must give the same state.
    /// </summary>
    private static (ChainState State, IReadOnlyList<IChainEvent> Events) Decide(ChainState state, TaskFinished finished, int retries = Retries)
    {
        var outcome = state.DecideOutcome(finished, retries, 12.5);
        if (outcome is null) return (state, []);
        var after = state.ApplyOutcome(outcome);
        var checkpoint = after.Checkpoint([outcome], Now.AddSeconds(5));
        var replayed = state.Apply(checkpoint);
        replayed.Phase.ShouldBe(after.Phase);
        replayed.Tasks.ShouldBe(after.Tasks, ignoreOrder: true);
        return (after, [.. checkpoint.Expand()]);
    }

    private static string[] Ready(ChainState state) => state.ReadyTasks().Select(t => t.Id).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void An_accepted_chain_has_its_roots_ready()
    {
        var state = Accepted(Task("a"), Task("b", "a"), Task("c"), Task("d", "b", "c"));

        state.IsAccepted.ShouldBeTrue();
        state.IsFinished.ShouldBeFalse();
        state.AppId.ShouldBe("app-1");
        state.AcceptedAt.ShouldBe(Now);
        state.Phase.ShouldBe(ChainPhase.Running);
        Ready(state).ShouldBe(["a", "c"]);
        state.Tasks.Values.ShouldAllBe(r => r == TaskRecord.New);
        state.CurrentAttempt("a").ShouldBe(1);
    }

    [Fact]
    public void Accepting_with_the_graph_already_built_gives_the_state_that_applying_the_submission_gives()
    {
        var tasks = new[] { Task("a"), Task("b", "a"), Task("c", "a", "b") };
        var graph = TaskGraph.TryCreate(tasks).Graph!;
        var empty = ChainState.Empty("chain-1");
        var accepted = (ChainAccepted)empty.DecideAccept(new SubmitChain("chain-1", "app-1", [.. tasks]), graph, Now).Single();

        var built = empty.Accept(accepted, graph);
        var applied = empty.Apply(accepted);

        built.Graph.ShouldBeSameAs(graph);
        (built.AppId, built.AcceptedAt, built.Phase).ShouldBe((applied.AppId, applied.AcceptedAt, applied.Phase));
        built.Graph!.Tasks.ShouldBe(applied.Graph!.Tasks);
        built.Tasks.ShouldBe(applied.Tasks, ignoreOrder: true);
        Ready(built).ShouldBe(Ready(applied));
    }

    [Fact]
    public void A_chain_not_yet_accepted_has_nothing_ready_and_records_no_outcome()
    {
        var state = ChainState.Empty("chain-1");
        state.IsAccepted.ShouldBeFalse();
        state.ReadyTasks().ShouldBeEmpty();
        state.DecideOutcome(Succeeded("a"), Retries, 0).ShouldBeNull();
    }

    [Fact]
    public void Accepting_an_accepted_chain_again_decides_nothing()
    {
        var state = Accepted(Task("a"));
        var graph = TaskGraph.TryCreate([Task("z")]).Graph!;
        state.DecideAccept(new SubmitChain("chain-1", "app-2", [Task("z")]), graph, Now).ShouldBeEmpty();
    }

    [Fact]
    public void An_outcome_for_a_task_not_in_the_chain_decides_nothing()
    {
        Branches().DecideOutcome(Succeeded("nope"), Retries, 0).ShouldBeNull();
    }

    [Fact]
    public void Success_of_a_root_releases_its_dependents()
    {
        var (state, events) = Decide(Branches(), Succeeded("a"));

        var succeeded = events.ShouldHaveSingleItem().ShouldBeOfType<TaskSucceeded>();
        succeeded.ShouldBe(new TaskSucceeded("chain-1", "a", 1, "host/0", "out-a", 40, 12.5));
        state.Tasks["a"].Phase.ShouldBe(TaskPhase.Succeeded);
        state.Tasks["a"].Output.ShouldBe("out-a");
        state.Tasks["a"].WorkerId.ShouldBe("host/0");
        Ready(state).ShouldBe(["b", "x"]);
    }

    [Fact]
    public void A_duplicate_outcome_for_a_finished_task_decides_nothing()
    {
        var (state, _) = Decide(Branches(), Succeeded("a"));

        state.DecideOutcome(Succeeded("a"), Retries, 0).ShouldBeNull();
        state.DecideOutcome(Failed("a"), Retries, 0).ShouldBeNull();
    }

    [Fact]
    public void A_failure_below_the_retry_limit_is_retried_with_the_next_attempt()
    {
        var (state, events) = Decide(Branches(), Failed("a"));

        var failed = events.ShouldHaveSingleItem().ShouldBeOfType<TaskFailed>();
        failed.Final.ShouldBeFalse();
        failed.Attempt.ShouldBe(1);
        failed.Error.ShouldBe("boom");
        state.CurrentAttempt("a").ShouldBe(2);
        state.Tasks["a"].Phase.ShouldBe(TaskPhase.Waiting);
        state.Tasks["a"].Failures.ShouldBe(1);
        state.Tasks["a"].Error.ShouldBe("boom");
        Ready(state).ShouldBe(["a", "x"]);
        state.IsFinished.ShouldBeFalse();
    }

    [Fact]
    public void A_failure_of_an_older_attempt_is_ignored()
    {
        var (state, _) = Decide(Branches(), Failed("a", attempt: 1));

        state.DecideOutcome(Failed("a", attempt: 1), Retries, 0).ShouldBeNull();
        state.CurrentAttempt("a").ShouldBe(2);
    }

    [Fact]
    public void A_success_of_an_older_attempt_is_accepted()
    {
        var (state, _) = Decide(Branches(), Failed("a", attempt: 1));

        var (after, events) = Decide(state, Succeeded("a", attempt: 1));

        events.ShouldHaveSingleItem().ShouldBeOfType<TaskSucceeded>().Attempt.ShouldBe(1);
        after.Tasks["a"].Phase.ShouldBe(TaskPhase.Succeeded);
        Ready(after).ShouldBe(["b", "x"]);
    }

    [Fact]
    public void A_failure_at_the_retry_limit_is_final_and_cancels_every_dependent_while_an_independent_branch_runs()
    {
        var state = Branches();
        for (var attempt = 1; attempt <= Retries; attempt++)
        {
            IReadOnlyList<IChainEvent> retried;
            (state, retried) = Decide(state, Failed("a", attempt));
            retried.ShouldHaveSingleItem().ShouldBeOfType<TaskFailed>().Final.ShouldBeFalse();
        }

        var (after, events) = Decide(state, Failed("a", Retries + 1));

        var failed = events.ShouldHaveSingleItem().ShouldBeOfType<TaskFailed>();
        failed.Final.ShouldBeTrue();
        failed.Attempt.ShouldBe(Retries + 1);
        after.Tasks["a"].Phase.ShouldBe(TaskPhase.Failed);
        after.Tasks["a"].Failures.ShouldBe(Retries + 1);
        after.Tasks["b"].Phase.ShouldBe(TaskPhase.Cancelled);
        after.Tasks["c"].Phase.ShouldBe(TaskPhase.Cancelled);
        after.Tasks["c"].Error!.ShouldContain("'a'");
        after.Tasks["x"].Phase.ShouldBe(TaskPhase.Waiting);
        Ready(after).ShouldBe(["x"]);
        after.IsFinished.ShouldBeFalse();
    }

    [Fact]
    public void With_no_retries_the_first_failure_is_final()
    {
        var (_, events) = Decide(Branches(), Failed("a"), retries: 0);
        events.ShouldHaveSingleItem().ShouldBeOfType<TaskFailed>().Final.ShouldBeTrue();
    }

    [Fact]
    public void A_final_failure_cancels_a_shared_descendant_once_and_leaves_finished_tasks_alone()
    {
        // a and b are roots; c depends on both, d on c. b succeeds first, then a fails for good.
        var state = Accepted(Task("a"), Task("b"), Task("c", "a", "b"), Task("d", "c"));
        (state, _) = Decide(state, Succeeded("b"));

        var (after, events) = Decide(state, Failed("a"), retries: 0);

        after.Tasks["b"].Phase.ShouldBe(TaskPhase.Succeeded);
        after.Tasks["c"].Phase.ShouldBe(TaskPhase.Cancelled);
        after.Tasks["d"].Phase.ShouldBe(TaskPhase.Cancelled);
        events.OfType<ChainFinishedEvent>().ShouldHaveSingleItem().Phase.ShouldBe(ChainPhase.Failed);
        after.IsFinished.ShouldBeTrue();
    }

    [Fact]
    public void The_last_success_finishes_the_chain_as_completed()
    {
        var state = Accepted(Task("a"), Task("b", "a"));
        (state, _) = Decide(state, Succeeded("a"));

        var (after, events) = Decide(state, Succeeded("b"));

        events.Count.ShouldBe(2);
        events[0].ShouldBeOfType<TaskSucceeded>();
        events[1].ShouldBe(new ChainFinishedEvent("chain-1", ChainPhase.Completed, Now.AddSeconds(5)));
        after.Phase.ShouldBe(ChainPhase.Completed);
        after.IsFinished.ShouldBeTrue();
        after.ReadyTasks().ShouldBeEmpty();
    }

    [Fact]
    public void The_last_outcome_after_a_final_failure_finishes_the_chain_as_failed()
    {
        var state = Branches();
        (state, _) = Decide(state, Failed("a"));
        (state, _) = Decide(state, Failed("a", 2));
        (state, _) = Decide(state, Failed("a", 3));
        state.IsFinished.ShouldBeFalse();

        var (after, events) = Decide(state, Succeeded("x"));

        events.OfType<ChainFinishedEvent>().ShouldHaveSingleItem().Phase.ShouldBe(ChainPhase.Failed);
        after.Phase.ShouldBe(ChainPhase.Failed);
        after.IsFinished.ShouldBeTrue();
        after.ReadyTasks().ShouldBeEmpty();
    }

    [Fact]
    public void Replaying_the_submission_and_one_checkpoint_restores_tasks_phase_and_ready_set()
    {
        var accepted = Branches();
        var a = accepted.DecideOutcome(Succeeded("a"), Retries, 1)!;
        var afterA = accepted.ApplyOutcome(a);
        var x = afterA.DecideOutcome(Failed("x"), Retries, 1)!;
        var state = afterA.ApplyOutcome(x);
        var journal = new IChainEvent[] { new ChainAccepted("chain-1", "app-1", accepted.Graph!.Tasks, Now), state.Checkpoint([a, x], Now) };

        var restored = Fold(ChainState.Empty("chain-1"), journal);

        restored.AppId.ShouldBe("app-1");
        restored.AcceptedAt.ShouldBe(Now);
        restored.Phase.ShouldBe(ChainPhase.Running);
        restored.Graph!.Tasks.Select(t => t.Id).ShouldBe(["a", "b", "c", "x"]);
        foreach (var (id, record) in state.Tasks)
            restored.Tasks[id].ShouldBe(record);
        Ready(restored).ShouldBe(["b", "x"]);
        restored.CurrentAttempt("x").ShouldBe(2);
    }

    [Fact]
    public void A_checkpoint_that_ends_the_chain_restores_it_as_finished()
    {
        var accepted = Accepted(Task("a"));
        var a = accepted.DecideOutcome(Succeeded("a"), Retries, 1)!;
        var checkpoint = accepted.ApplyOutcome(a).Checkpoint([a], Now);
        checkpoint.Finished.ShouldBe(ChainPhase.Completed);

        var restored = accepted.Apply(checkpoint);

        restored.IsFinished.ShouldBeTrue();
        restored.Phase.ShouldBe(ChainPhase.Completed);
        restored.Tasks["a"].Output.ShouldBe("out-a");
    }
}
