using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Sharding;
using TaskAffinity.Cluster.Chains;
using TaskAffinity.Cluster.Hosting;
using static TaskAffinity.Cluster.Chains.ChainProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>chains</c> palette: the chains alive in the cluster, and one chain's graph state.</summary>
public sealed class ChainsPalette(PaletteContext context) : IPalette
{
    public PaletteSpec Spec { get; } = PaletteSpec.Of("chains", "task chains: list, show",
        CommandSpec.Of("list", "chains in memory on the scheduler nodes (running, or finished within passivate-finished-after)",
            new ArgSpec("limit", "at most this many (default 20, at most 500)", IsFlag: true)),
        CommandSpec.Of("show", "one chain's tasks: phase, attempts, worker, times", new ArgSpec("chain", "the chain id", Required: true)));

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        if (command.Command == "show")
        {
            var answer = await AskChain(command.Get("chain")!);
            return answer is ChainStatus status ? Show(status) : CommandReply.Failure(((NotFound)answer).Reason);
        }
        var limitRaw = command.Get("limit");
        var limit = 20;
        if (limitRaw is not null && (!int.TryParse(limitRaw, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 500))
            return CommandReply.Failure("--limit must be a whole number from 1 to 500", "usage: " + Spec.Find("list")!.Usage("chains"));
        var ids = await LiveChainIds();
        var statuses = new List<ChainStatus>();
        foreach (var id in ids.Take(limit))
            if (await AskChain(id) is ChainStatus status)
                statuses.Add(status);
        return List(statuses, ids.Count);
    }

    /// <summary>Asks through the task router, which every role has, so this works from any node.</summary>
    private Task<object> AskChain(string chainId) => context.Router.Ask<object>(new GetChainStatus(chainId), context.Timeout);

    /// <summary>Asks every book on every scheduler node which chains it holds.</summary>
    private async Task<List<string>> LiveChainIds()
    {
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        var nodes = cluster.State.Members.Where(m => m.HasRole(NodeOptions.SchedulerRole) && m.Status == Akka.Cluster.MemberStatus.Up).Select(m => m.Address);
        var answers = await Task.WhenAll(nodes.Select(async address =>
        {
            try
            {
                var region = context.System.ActorSelection($"{address}/system/sharding/{ChainBook.RegionName}");
                var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, context.Timeout);
                var books = await Task.WhenAll(state.Shards.SelectMany(s => s.EntityIds).Select(book =>
                    region.Ask<ChainBookProtocol.BookChains>(new ChainBookProtocol.ListChains(book), context.Timeout)));
                return books.SelectMany(b => b.ChainIds);
            }
            catch (AskTimeoutException)
            {
                return []; // a node that does not answer is left out; 'cluster show' tells why
            }
        }));
        return [.. answers.SelectMany(ids => ids).Distinct().Order(StringComparer.Ordinal)];
    }

    public static CommandReply List(IReadOnlyList<ChainStatus> chains, int alive)
    {
        var rows = chains.Select(c => new
        {
            chain = c.ChainId, app = c.AppId, phase = c.Phase.ToString(), tasks = c.Tasks.Length,
            succeeded = c.Tasks.Count(t => t.Phase == TaskPhase.Succeeded), running = c.Tasks.Count(t => t.Phase == TaskPhase.Running),
            failed = c.Tasks.Count(t => t.Phase == TaskPhase.Failed),
        }).ToList();
        var table = new TextTable("CHAIN", "APP", "PHASE", "TASKS", "SUCCEEDED", "RUNNING", "FAILED")
            .AddAll(rows.Select(r => new object?[] { r.chain, r.app, r.phase, r.tasks, r.succeeded, r.running, r.failed }));
        var text = rows.Count == 0 ? "No chains in memory." : $"{table}\nShowing {rows.Count} of {alive} chains in memory";
        return CommandReply.Success(text, new { chains = rows, alive });
    }

    public static CommandReply Show(ChainStatus status)
    {
        var table = new TextTable("TASK", "TYPE", "PHASE", "ATTEMPTS", "WORKER", "RUN_MS", "LATENCY_MS", "ERROR")
            .AddAll(status.Tasks.Select(t => new object?[] { t.TaskId, t.Type.Name, t.Phase.ToString(), t.Attempts, t.WorkerId, Math.Round(t.RunMs, 1), Math.Round(t.LatencyMs, 1), t.Error }));
        return CommandReply.Success($"Chain {status.ChainId} (app {status.AppId}): {status.Phase}\n{table}", status);
    }
}
