namespace TaskAffinity.Simulation.Reports;

/// <summary>Task latency CDF, one line per policy, as PNG and SVG (ScottPlot).</summary>
internal static class LatencyPlot
{
    public static void Save(string pathWithoutExtension, WorkloadReport workload)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (policy, latencies) in workload.Latencies)
        {
            if (latencies.Length == 0) continue;
            var sorted = latencies.Order().ToArray();
            // at most ~1000 points per line: a CDF needs no more to read
            var step = Math.Max(1, sorted.Length / 1000);
            var xs = Enumerable.Range(0, sorted.Length).Where(i => i % step == 0 || i == sorted.Length - 1).ToArray();
            var line = plot.Add.ScatterLine(xs.Select(i => sorted[i]).ToArray(), xs.Select(i => (i + 1.0) / sorted.Length).ToArray());
            line.LegendText = policy;
        }
        plot.Title($"{workload.Name}: task latency CDF");
        plot.XLabel("latency (s)");
        plot.YLabel("share of tasks");
        plot.ShowLegend();
        plot.SavePng(pathWithoutExtension + ".png", 900, 600);
        plot.SaveSvg(pathWithoutExtension + ".svg", 900, 600);
    }
}
