using Shouldly;
using TaskAffinity.Client;
using TaskAffinity.Cluster.Chains;
using Xunit;
using static TaskAffinity.Cluster.Tests.Integration.Graphs;

namespace TaskAffinity.Cluster.Tests.Integration;

/// <summary>
/// An application in its own ActorSystem joins the cluster with role client and works through the client:
/// every message between the two systems crosses the wire through our serializer.
/// </summary>
public abstract class ClientNodeSpec(SharedNode shared)
{
    [Fact]
    public async Task Client_role_process_submits_awaits_and_is_told_what_is_wrong()
    {
        await using var app = await ClientNode.ConnectAsync([shared.Node.Address], TimeSpan.FromSeconds(30));

        var finished = await app.Client.RunAsync("from-client", "remote-app", Linear(3), TimeSpan.FromSeconds(30));
        var rejected = await app.Client.SubmitAsync("bad-from-client", "remote-app", [Task("a", "Painting")]);
        var unknown = await app.Client.GetStatusAsync("nobody");

        finished.Phase.ShouldBe(ChainPhase.Completed);
        finished.Tasks.Select(t => t.Output).ShouldBe(["Work:t1", "Work:t2", "Work:t3"]);
        rejected.Accepted.ShouldBeFalse();
        rejected.Reason.ShouldContain("no handler serves task type 'Painting'");
        unknown.ShouldBeNull();
        Akka.Cluster.Cluster.Get(app.System).SelfMember.Roles.ShouldBe(["client"]);
    }
}

public sealed class ClientNodeOnSqlite(SqliteNode node) : ClientNodeSpec(node), IClassFixture<SqliteNode>;

public sealed class ClientNodeOnPostgres(PostgresNode node) : ClientNodeSpec(node), IClassFixture<PostgresNode>;
