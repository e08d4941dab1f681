using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TaskAffinity.Cli;

/// <summary>Prints a reply the way the operator asked for it and says which exit code it earns.</summary>
internal static class Output
{
    // Relaxed escaping: the operator should read "n1/0 → ok" rather than "n1/0 \u2192 ok". Control characters
    // (escapes included) are still written as \u sequences, so JSON output never carries colour codes.
    private static readonly JsonWriterOptions JsonLayout = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Write(Reply reply, Settings settings, Terminal terminal)
    {
        switch (reply)
        {
            case Answer { Ok: true } answer:
                if (settings.Json)
                    terminal.Out.WriteLine(IndentedJson(answer.Data));
                else if (!string.IsNullOrEmpty(answer.Text))
                    WriteBlock(terminal.Out, Colors(answer.Text, settings.Color, terminal.OutRedirected));
                return ExitCodes.Ok;

            case Answer answer:
                // A palette named without a command may come back as usage alone: then the usage is the message.
                if (answer.Error is { Length: > 0 } || string.IsNullOrEmpty(answer.Usage))
                    terminal.Error.WriteLine(Colors($"tactl: {answer.Error ?? "the node refused the command without giving a reason"}", settings.Color, terminal.ErrorRedirected));
                if (!string.IsNullOrEmpty(answer.Usage))
                    WriteBlock(terminal.Error, Colors(answer.Usage, settings.Color, terminal.ErrorRedirected));
                return ExitCodes.Refused;

            case NoAnswer none:
                terminal.Error.WriteLine($"tactl: {none.Reason}");
                return ExitCodes.Unreachable;

            default:
                throw new ArgumentOutOfRangeException(nameof(reply), reply, "unknown kind of reply");
        }
    }

    /// <summary>Writes text that may or may not end with a newline so that it ends with exactly one.</summary>
    private static void WriteBlock(TextWriter writer, string text)
    {
        if (text.EndsWith('\n'))
            writer.Write(text);
        else
            writer.WriteLine(text);
    }

    private static string Colors(string text, ColorChoice choice, bool redirected) =>
        choice == ColorChoice.Never || (choice == ColorChoice.Auto && redirected) ? Ansi.Strip(text) : text;

    private static string IndentedJson(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.Undefined)
            return "null";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonLayout))
            data.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
