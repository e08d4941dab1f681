namespace TaskAffinity.Cluster.Admin;

/// <summary>What the web page shows (GET /api/overview): hosts now and over time, the affinity matrix, hit rate and accuracy.</summary>
public static class Overview
{
    public static object From(ClusterViewSnapshot view, string node, string address)
    {
        var hosts = HostsPalette.Rows(view);
        var affinity = AffinityPalette.AffinityMatrix.Of(view.AffinityMap());
        var prefetch = view.PrefetchTotal;
        var stats = view.Model.Stats;
        return new
        {
            node, address, at = view.At,
            resources = new[] { "cpu", "memory", "disk", "network" },
            hosts = hosts.Select(h => new
            {
                host = h.Host, cpu = h.Cpu, memory = h.Memory, disk = h.Disk, network = h.Network, heat = h.Heat,
                slots = h.Workers, running = h.Running, queued = h.Queued,
                at = view.Hosts.FirstOrDefault(s => s.HostId == h.Host)?.At,
            }),
            heatHistory = view.History.Select(p => new
            {
                at = p.At,
                hosts = p.Hosts.ToDictionary(h => h.Key, h => new { cpu = h.Value.Cpu, memory = h.Value.Memory, disk = h.Value.Disk, network = h.Value.Network, heat = h.Value.Heat }),
            }),
            affinity = new { workers = affinity.Workers, types = affinity.Types, scores = affinity.Scores, samples = affinity.Samples },
            hitRate = view.History.Select(p => new { at = p.At, value = p.HitRate }),
            accuracy = view.History.Select(p => new { at = p.At, top1 = p.Top1, top1OnChange = p.Top1OnChange }),
            summary = new
            {
                tasksCompleted = view.Workers.Sum(w => w.Completed), tasksFailed = view.Workers.Sum(w => w.Failed),
                hitRate = prefetch.HitRate, top1 = stats.Observations > 0 ? stats.Top1Accuracy : (double?)null,
                top1OnChange = stats.TypeChanges > 0 ? stats.Top1OnChange : (double?)null,
                waiting = view.Workers.Sum(w => w.Queued),
            },
        };
    }
}
