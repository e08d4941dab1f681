using static TaskAffinity.Cluster.Monitoring.MonitorProtocol;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>prefetch</c> palette: hit rate, waste and refusals per host and per worker, from the hosts' latest samples.</summary>
public sealed class PrefetchPalette(PaletteContext context) : IPalette
{
    public PaletteSpec Spec { get; } = PaletteSpec.Of("prefetch", "predictive prefetch: stats",
        CommandSpec.Of("stats", "hit rate, wasted bytes, refusals, per host and per worker"));

    public async Task<CommandReply> Run(ParsedCommand command) => Stats(await context.ViewAsync());

    public static CommandReply Stats(ClusterViewSnapshot view)
    {
        var hosts = view.Hosts.Select(h => (h.HostId, Counters: h.Prefetch)).Append((HostId: "(cluster)", Counters: view.PrefetchTotal)).ToList();
        var hostTable = new TextTable("HOST", "READS", "HIT_RATE", "PREFETCHED_MB", "WASTED_MB", "WASTE", "TASKS", "FROM_BUFFER", "REFUSALS", "FETCHES", "FETCH_FAILED")
            .AddAll(hosts.Select(h => new object?[]
            {
                h.HostId, h.Counters.Hits + h.Counters.Misses, TextTable.Percent(h.Counters.HitRate), Mb(h.Counters.PrefetchedBytes),
                Mb(h.Counters.WastedBytes), TextTable.Percent(h.Counters.Waste), h.Counters.TasksRun, h.Counters.FromBuffer,
                h.Counters.Refusals, h.Counters.Fetches, h.Counters.FetchFailures,
            }));
        var workers = view.Hosts.SelectMany(h => h.Workers.IsDefault ? [] : h.Workers).OrderBy(w => w.WorkerId, WorkerOrder.Instance).ToList();
        var workerTable = new TextTable("WORKER", "TASKS", "FROM_BUFFER", "BUFFER_SHARE", "REFUSALS")
            .AddAll(workers.Select(w => new object?[]
            {
                w.WorkerId, w.TasksRun, w.FromBuffer, TextTable.Percent(w.TasksRun == 0 ? null : (double)w.FromBuffer / w.TasksRun), w.Refusals,
            }));
        var text = $"{hostTable}\n\n{(workers.Count == 0 ? "No worker has run a task yet." : workerTable.ToString())}";
        return CommandReply.Success(text, new
        {
            hosts = hosts.Select(h => new { host = h.HostId, counters = h.Counters, hitRate = h.Counters.HitRate, waste = h.Counters.Waste }),
            workers,
        });
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1_048_576.0, 1);
}
