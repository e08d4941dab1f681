using System.Globalization;
using System.Text;

namespace TaskAffinity.Cluster.Admin;

/// <summary>The <c>heatmap</c> palette: hosts × resources, each cell coloured from cool to hot.</summary>
public sealed class HeatmapPalette(PaletteContext context) : IPalette
{
    public static readonly string[] Resources = ["cpu", "memory", "disk", "network", "heat"];

    public PaletteSpec Spec { get; } = PaletteSpec.Of("heatmap", "hosts × resources, coloured",
        CommandSpec.Of("show", "the latest smoothed use of every host's resources")) with { DefaultCommand = "show" };

    public async Task<CommandReply> Run(ParsedCommand command) => Render(HostsPalette.Rows(await context.ViewAsync()));

    public static CommandReply Render(IReadOnlyList<HostsPalette.HostRow> rows)
    {
        var data = rows.Select(r => new { host = r.Host, cpu = r.Cpu, memory = r.Memory, disk = r.Disk, network = r.Network, heat = r.Heat }).ToList();
        if (rows.Count == 0) return CommandReply.Success("No hosts heard from yet.", new { hosts = data });
        var width = Math.Max(4, rows.Max(r => r.Host.Length));
        var text = new StringBuilder();
        text.Append("HOST".PadRight(width));
        foreach (var resource in Resources) text.Append("  ").Append(resource.PadLeft(7));
        text.Append('\n');
        foreach (var r in rows)
        {
            text.Append(r.Host.PadRight(width));
            foreach (var value in new[] { r.Cpu, r.Memory, r.Disk, r.Network, r.Heat })
                text.Append("  ").Append(Ansi.Heat(value, Cell(value)));
            text.Append('\n');
        }
        text.Append("scale: ").Append(string.Join(" ", new[] { 0.0, 0.25, 0.5, 0.75, 1.0 }.Select(v => Ansi.Heat(v, $" {v * 100:0}% "))));
        return CommandReply.Success(text.ToString(), new { hosts = data });
    }

    private static string Cell(double? value) =>
        (value is { } v && double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-").PadLeft(7);
}
