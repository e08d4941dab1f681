using TaskAffinity.Simulation.Engine;

namespace TaskAffinity.Simulation.Reports;

/// <summary>Cache hit rate per window of simulated time, one line per policy, as PNG and SVG (ScottPlot).</summary>
internal static class HitRatePlot
{
    public static void Save(string pathWithoutExtension, WorkloadReport workload)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (policy, windows) in workload.HitRates ?? new Dictionary<string, IReadOnlyList<HitRateWindow>>())
        {
            if (windows.Count == 0) continue;
            // each point at the middle of its window; windows without reads are left out, not drawn as 0
            var line = plot.Add.ScatterLine(windows.Select(w => (w.FromS + w.ToS) / 2).ToArray(), windows.Select(w => w.Rate).ToArray());
            line.LegendText = policy;
        }
        plot.Title($"{workload.Name}: cache hit rate over time");
        plot.XLabel("simulated time since the first arrival (s)");
        plot.YLabel("share of input reads served from the host cache");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend();
        plot.SavePng(pathWithoutExtension + ".png", 900, 600);
        plot.SaveSvg(pathWithoutExtension + ".svg", 900, 600);
    }
}
