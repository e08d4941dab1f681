using System.Globalization;
using System.Text;

namespace TaskAffinity.Cluster.Admin;

/// <summary>
/// A plain text table: a header row and aligned columns, numbers right-aligned. Widths count visible
/// characters, so cells may carry ANSI colour codes.
/// </summary>
public sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public TextTable Add(params object?[] cells)
    {
        _rows.Add([.. cells.Select(Cell)]);
        return this;
    }

    public TextTable AddAll(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows) Add(row);
        return this;
    }

    public override string ToString()
    {
        var columns = headers.Length;
        var widths = new int[columns];
        var numeric = new bool[columns];
        for (var c = 0; c < columns; c++)
        {
            widths[c] = headers[c].Length;
            numeric[c] = _rows.Count > 0 && _rows.All(r => c < r.Length && IsNumber(Ansi.Strip(r[c])));
            foreach (var row in _rows)
                if (c < row.Length) widths[c] = Math.Max(widths[c], Ansi.Strip(row[c]).Length);
        }
        var text = new StringBuilder();
        AppendRow(text, headers, widths, numeric);
        foreach (var row in _rows)
            AppendRow(text, row, widths, numeric);
        return text.ToString().TrimEnd('\n');
    }

    private static void AppendRow(StringBuilder text, string[] row, int[] widths, bool[] numeric)
    {
        var line = new StringBuilder();
        for (var c = 0; c < widths.Length; c++)
        {
            var cell = c < row.Length ? row[c] : "";
            var pad = new string(' ', widths[c] - Ansi.Strip(cell).Length);
            line.Append(numeric[c] ? pad + cell : cell + pad);
            if (c < widths.Length - 1) line.Append("  ");
        }
        text.Append(line.ToString().TrimEnd()).Append('\n');
    }

    /// <summary>Cells as people read them: fractions as given by the caller, nulls as "-".</summary>
    public static string Cell(object? value) => value switch
    {
        null => "-",
        double d when double.IsNaN(d) => "-",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        float f => f.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string Percent(double? fraction) =>
        fraction is { } f && double.IsFinite(f) ? (f * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static bool IsNumber(string s) =>
        s == "-" || double.TryParse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}

/// <summary>ANSI colours for terminal output; tactl strips them when asked or when not writing to a terminal.</summary>
public static class Ansi
{
    public const string Reset = "\u001b[0m";

    public static string Strip(string s)
    {
        if (!s.Contains('\u001b')) return s;
        var text = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\u001b' && i + 1 < s.Length && s[i + 1] == '[')
            {
                i += 2;
                while (i < s.Length && s[i] != 'm') i++;
                continue;
            }
            text.Append(s[i]);
        }
        return text.ToString();
    }

    /// <summary>A 256-colour background from cool (0) to hot (1): blue, green, yellow, orange, red; grey for unknown.</summary>
    public static string Heat(double? value, string text)
    {
        int[] scale = [27, 35, 70, 148, 220, 208, 196];
        var code = value is { } v && double.IsFinite(v) ? scale[(int)Math.Round(Math.Clamp(v, 0, 1) * (scale.Length - 1))] : 240;
        return $"\u001b[48;5;{code}m\u001b[38;5;16m{text}{Reset}";
    }
}
