using System.Text.RegularExpressions;

namespace TaskAffinity.Cli;

/// <summary>Removes ANSI escape sequences, so coloured output reads cleanly in files, pipes and dumb terminals.</summary>
internal static partial class Ansi
{
    // CSI sequences (colours, cursor moves: ESC [ params final), OSC sequences (titles, links: ESC ] ... BEL
    // or ESC \), and the remaining two-character escapes.
    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])")]
    private static partial Regex Escape();

    public static string Strip(string text) => text.Contains('\x1B') ? Escape().Replace(text, "") : text;
}
