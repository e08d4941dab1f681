using System.Collections.Immutable;
using Shouldly;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Core.Tasks;
using Xunit;
using static TaskAffinity.Cluster.Tests.Integration.Graphs;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// Bad input against a running node: each submission is rejected with a reason that names what is wrong,
/// nothing of it reaches the journal, and the node goes on accepting and running good work.
/// </summary>
public abstract class AdmissionSpec(SharedNode shared)
{
    private TestNode Node => shared.Node;

    public static TheoryData<string, ImmutableArray<TaskSpec>, string> BadChains => new()
    {
        { "empty graph", [], "the graph is empty" },
        { "duplicate ids", [Task("a"), Task("a")], "duplicate task id 'a'" },
        { "missing dependency", [Task("a"), Task("b", "Work", "ghost")], "depends on task 'ghost', which is not in the graph" },
        { "cycle", [Task("a", "Work", "c"), Task("b", "Work", "a"), Task("c", "Work", "b"), Task("d")], "dependency cycle" },
        { "unknown type", [Task("a", "Painting")], "no handler serves task type 'Painting'" },
        { "negative resources", [Task("a") with { Resources = new ResourceVector(-1, 0, 0, 0, 0) }], "resources.cpu: must be a finite number >= 0" },
        { "larger than any host", [Task("a") with { Resources = new ResourceVector(2, 65536, 0, 0, 0) }], "resources.memoryMb: requests 65536, more than any host offers (largest: 8192)" },
        { "too many tasks", [.. Linear(51)], "more than the limit of 50" },
    };

    [Theory]
    [MemberData(nameof(BadChains))]
    public async Task Bad_submission_is_rejected_with_its_reason_and_nothing_is_persisted(string why, ImmutableArray<TaskSpec> tasks, string reason)
    {
        var chainId = $"bad-{why.Replace(' ', '-')}";

        var result = await Node.Client.SubmitAsync(chainId, "tests", tasks);

        result.Accepted.ShouldBeFalse(why);
        result.Reason.ShouldContain(reason, Case.Sensitive, why);
        (await Node.ChainEventsAsync(chainId)).ShouldBeEmpty();
        (await Node.Client.GetStatusAsync(chainId)).ShouldBeNull();
        await Good_chain_still_runs(); // the node is unharmed
    }

    [Fact]
    public async Task Cycle_error_names_every_task_on_the_cycle_and_no_other()
    {
        var result = await Node.Client.SubmitAsync("bad-cycle-names", "tests",
            [Task("a", "Work", "c"), Task("b", "Work", "a"), Task("c", "Work", "b"), Task("d", "Work", "a")]);

        var cycle = result.Problems.ShouldHaveSingleItem();
        cycle.Message.ShouldContain("'a'");
        cycle.Message.ShouldContain("'b'");
        cycle.Message.ShouldContain("'c'");
        cycle.Message.ShouldNotContain("'d'");
    }

    [Fact]
    public async Task Every_problem_of_a_submission_is_reported_at_once()
    {
        var result = await Node.Client.SubmitAsync("bad-many", "tests",
            [Task("a"), Task("a"), Task("b", "Painting"), Task("c", "Work", "ghost")]);

        result.Problems.Select(p => p.Field).ShouldBe(["id", "dependsOn", "type"], ignoreOrder: true);
    }

    [Fact]
    public async Task Status_query_for_an_unknown_chain_is_answered_not_found()
    {
        (await Node.Client.GetStatusAsync("never-submitted")).ShouldBeNull();
        var notFound = await Should.ThrowAsync<ChainNotFoundException>(() => Node.Client.AwaitAsync("never-submitted", TimeSpan.FromSeconds(10)));
        notFound.Message.ShouldContain("never-submitted");
    }

    [Fact]
    public async Task Acknowledged_submission_is_already_in_the_journal()
    {
        var result = await Node.Client.SubmitAsync("ack-after-persist", "tests", Linear(2));

        result.Accepted.ShouldBeTrue();
        (await Node.ChainEventsAsync("ack-after-persist")).ShouldContain(e => e is ChainAccepted);
    }

    private async Task Good_chain_still_runs()
    {
        var id = $"good-{Guid.NewGuid():N}";
        var finished = await Node.Client.RunAsync(id, "tests", Linear(2), TimeSpan.FromSeconds(30));
        finished.Phase.ShouldBe(ChainPhase.Completed);
    }
}

public sealed class AdmissionOnSqlite(SqliteNode node) : AdmissionSpec(node), IClassFixture<SqliteNode>;

public sealed class AdmissionOnPostgres(PostgresNode node) : AdmissionSpec(node), IClassFixture<PostgresNode>;
