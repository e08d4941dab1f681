using Akka.Actor;
using TaskAffinity.Cluster.Hosting;
using static TaskAffinity.Cluster.Workers.WorkerProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>hosts</c> palette: each host's capacity, load and heat, and draining one.</summary>
public sealed class HostsPalette(PaletteContext context) : IPalette
{
    public PaletteSpec Spec { get; } = PaletteSpec.Of("hosts", "worker hosts: show, drain",
        CommandSpec.Of("show", "capacity, load (running, queued) and heat of every host"),
        CommandSpec.Of("drain", "stop placing tasks on a host: its workers give back what waits and finish what runs",
            new ArgSpec("host", "a host name, as in 'tactl hosts show'", Required: true)));

    public sealed record HostRow(string Host, string? Address, int Workers, int Online, int Running, int Queued,
        double? CapacityCpu, double? CapacityMemoryMb, double? Cpu, double? Memory, double? Disk, double? Network, double? Heat);

    public async Task<CommandReply> Run(ParsedCommand command)
    {
        var view = await context.ViewAsync();
        return command.Command == "show" ? Show(Rows(view)) : Drain(view, command.Get("host")!);
    }

    public static IReadOnlyList<HostRow> Rows(ClusterViewSnapshot view)
    {
        var samples = view.Hosts.ToDictionary(h => h.HostId);
        var workers = view.Workers.GroupBy(w => w.HostId).ToDictionary(g => g.Key, g => g.ToList());
        return [.. samples.Keys.Union(workers.Keys).Order(StringComparer.Ordinal).Select(host =>
        {
            var ws = workers.GetValueOrDefault(host) ?? [];
            var s = samples.GetValueOrDefault(host);
            var capacity = ws.FirstOrDefault()?.HostCapacity;
            return new HostRow(host, s?.Address, ws.Count, ws.Count(w => w.Online), ws.Sum(w => w.Running), ws.Sum(w => w.Queued),
                capacity?.Cpu, capacity?.MemoryMb, s?.Cpu, s?.Memory, s?.Disk, s?.Network, s?.Heat);
        })];
    }

    public static CommandReply Show(IReadOnlyList<HostRow> rows)
    {
        if (rows.Count == 0) return CommandReply.Success("No hosts heard from yet.", new { hosts = rows });
        var table = new TextTable("HOST", "WORKERS", "ONLINE", "RUNNING", "QUEUED", "CAP_CPU", "CAP_MEM_MB", "CPU", "MEMORY", "DISK", "NETWORK", "HEAT")
            .AddAll(rows.Select(r => new object?[]
            {
                r.Host, r.Workers, r.Online, r.Running, r.Queued, r.CapacityCpu, r.CapacityMemoryMb,
                TextTable.Percent(r.Cpu), TextTable.Percent(r.Memory), TextTable.Percent(r.Disk), TextTable.Percent(r.Network), TextTable.Percent(r.Heat),
            }));
        return CommandReply.Success(table.ToString(), new { hosts = rows });
    }

    private CommandReply Drain(ClusterViewSnapshot view, string host)
    {
        var workers = view.Workers.Where(w => w.HostId == host).Select(w => w.WorkerId).ToList();
        if (workers.Count == 0)
            return CommandReply.Failure($"no workers of host '{host}' are known; hosts: {string.Join(", ", view.Workers.Select(w => w.HostId).Distinct())}");
        if (context.Find<WorkerRegion>() is not { } region)
            return CommandReply.Failure("this node reaches no worker region (client role); ask a scheduler or worker node");
        foreach (var worker in workers)
            region.Tell(new DrainWorker(worker, ActorRefs.Nobody));
        return CommandReply.Success(
            $"Draining host {host}: {workers.Count} workers take no new tasks, give back waiting ones and finish running ones. " +
            "They stay drained until their node restarts; 'tactl cluster leave <address>' then removes the node.",
            new { host, workers });
    }
}
