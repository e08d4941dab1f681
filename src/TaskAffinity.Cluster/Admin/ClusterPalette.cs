using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>cluster</c> palette, in the shape of pbm's: membership, leader, join, leave, down.</summary>
public sealed class ClusterPalette(PaletteContext context) : IPalette
{
    private static readonly ArgSpec Address = new("address", "a member address, e.g. akka.tcp://taskaffinity@10.0.0.2:4053", Required: true);

    public PaletteSpec Spec { get; } = PaletteSpec.Of("cluster", "membership: show, status, leader, join, leave, down, down-unreachable",
        CommandSpec.Of("show", "every member: address | [roles] | status | reachability | version"),
        CommandSpec.Of("status", "this node's member"),
        CommandSpec.Of("leader", "the cluster leader, and the leader per role"),
        CommandSpec.Of("join", "make this node join the cluster at an address", Address),
        CommandSpec.Of("leave", "make a member leave gracefully (default: this node)", Address with { Required = false }),
        CommandSpec.Of("down", "mark a member down (it is removed; its work moves to the others)", Address),
        CommandSpec.Of("down-unreachable", "mark every unreachable member down"));

    public sealed record MemberRow(string Address, ImmutableArray<string> Roles, string Status, string Reachability, string Version);

    private Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(context.System);

    public Task<CommandReply> Run(ParsedCommand command) => Task.FromResult(command.Command switch
    {
        "show" => Show(),
        "status" => Status(),
        "leader" => Leader(),
        "join" => WithAddress(command.Get("address")!, a => { Cluster.Join(a); return $"Joining {a}"; }, mustBeMember: false),
        "leave" => WithAddress(command.Get("address") ?? Cluster.SelfAddress.ToString(), a => { Cluster.Leave(a); return $"{a} is leaving the cluster"; }),
        "down" => WithAddress(command.Get("address")!, a => { Cluster.Down(a); return $"{a} marked down"; }),
        "down-unreachable" => DownUnreachable(),
        _ => CommandReply.Failure($"unknown command {command.Command}"),
    });

    public static IReadOnlyList<MemberRow> Rows(ClusterEvent.CurrentClusterState state) =>
        [.. state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m => Row(m, state.Unreachable))];

    private static MemberRow Row(Member m, IImmutableSet<Member> unreachable) => new(m.Address.ToString(),
        [.. m.Roles.Order(StringComparer.Ordinal)], m.Status.ToString().ToLowerInvariant(),
        unreachable.Contains(m) ? "unreachable" : "reachable", m.AppVersion.ToString());

    /// <summary>pbm's member line: <c>address | [roles] | status | reachability | version</c>.</summary>
    public static string Line(MemberRow r) => $"{r.Address} | [{string.Join(",", r.Roles)}] | {r.Status} | {r.Reachability} | {r.Version}";

    public static string RenderShow(IReadOnlyList<MemberRow> rows) =>
        string.Join("\n", rows.Select(Line).Append($"Count: {rows.Count} nodes"));

    private CommandReply Show()
    {
        var rows = Rows(Cluster.State);
        return CommandReply.Success(RenderShow(rows), new { members = rows, count = rows.Count });
    }

    private CommandReply Status()
    {
        var self = Row(Cluster.SelfMember, Cluster.State.Unreachable);
        return CommandReply.Success(Line(self), self);
    }

    private CommandReply Leader()
    {
        var state = Cluster.State;
        var roles = state.AllRoles.Order(StringComparer.Ordinal)
            .Select(r => new { role = r, leader = state.RoleLeader(r)?.ToString() }).ToList();
        var text = $"Leader: {state.Leader?.ToString() ?? "none"}\n" + new TextTable("ROLE", "LEADER")
            .AddAll(roles.Select(r => new object?[] { r.role, r.leader }));
        return CommandReply.Success(text, new { leader = state.Leader?.ToString(), roles });
    }

    private CommandReply WithAddress(string raw, Func<Address, string> act, bool mustBeMember = true)
    {
        Address address;
        try
        {
            address = Akka.Actor.Address.Parse(raw);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return CommandReply.Failure($"'{raw}' is not a member address: expected akka.tcp://SYSTEM@HOST:PORT", "usage: tactl cluster <join|leave|down> <address>");
        }
        if (mustBeMember && Cluster.State.Members.All(m => m.Address != address))
            return CommandReply.Failure($"{address} is not a member of this cluster; 'tactl cluster show' lists the members");
        var text = act(address);
        return CommandReply.Success(text, new { address = address.ToString(), done = text });
    }

    private CommandReply DownUnreachable()
    {
        var unreachable = Cluster.State.Unreachable.Select(m => m.Address).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList();
        foreach (var address in unreachable)
            Cluster.Down(address);
        var text = unreachable.Count == 0 ? "No unreachable members" : string.Join("\n", unreachable.Select(a => $"{a} marked down"));
        return CommandReply.Success(text, new { downed = unreachable.Select(a => a.ToString()) });
    }
}
