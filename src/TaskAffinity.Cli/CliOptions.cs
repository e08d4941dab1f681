using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;

namespace TaskAffinity.Cli;

/// <summary>
/// tactl's own options as System.CommandLine symbols: they give typed values, error messages and the help
/// text. Only the tokens <see cref="Arguments"/> picked out as tactl's own are parsed with them; every other
/// token belongs to the node and never goes near this parser (no response files, directives or bundling).
/// </summary>
internal sealed class CliOptions
{
    private const double MaxTimeoutSeconds = 24 * 3600;

    public Option<bool> Json { get; } = new("--json") { Arity = ArgumentArity.Zero, Description = "Print the reply's data as indented JSON instead of its text" };
    public Option<string?> Token { get; } = new("--token") { HelpName = "TOKEN", Description = "Bearer token for the command host. Env: TACTL_TOKEN" };
    public Option<bool> NoColor { get; } = new("--no-color") { Arity = ArgumentArity.Zero, Description = "Strip colour escapes (done anyway when output is redirected)" };
    public Option<bool> Color { get; } = new("--color") { Arity = ArgumentArity.Zero, Description = "Keep colour escapes even when output is redirected" };
    public Option<double?> Timeout { get; } = new("--timeout") { HelpName = "SECONDS", Description = "How long to wait for the node's answer (default 30)", CustomParser = ParseSeconds };

    /// <summary>The options tactl recognises among the tokens, in the order shown by --help.</summary>
    public IReadOnlyList<Option> Own => [Json, Token, NoColor, Color, Timeout];

    public Command Command { get; }

    public CliOptions()
    {
        Command = new Command("tactl",
            "Sends a command to a TaskAffinity node's command host and prints the answer.\n" +
            "Without a palette it reads commands interactively. `tactl help` lists the palettes.\n" +
            "Exit codes: 0 done, 1 refused by the node, 2 bad tactl usage, 3 node unreachable or no valid answer.");
        // Shown in the help only: Arguments hands the node's tokens over itself.
        Command.Arguments.Add(new Argument<string[]>("command") { Description = "[host:port] <palette> <command> [args...]: sent to the node as typed (-- ends tactl's options)" });
        foreach (var option in Own)
            Command.Options.Add(option);
        Command.Options.Add(new HelpOption());
    }

    public static bool IsHelp(string token) => token is "-h" or "--help" or "-?";

    /// <summary>Parses tactl's own tokens (options and their values only).</summary>
    public ParseResult Parse(IReadOnlyList<string> ownTokens) =>
        Command.Parse(ownTokens, new ParserConfiguration { ResponseFileTokenReplacer = null });

    public void WriteHelp(TextWriter output) =>
        Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

    private static double? ParseSeconds(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= MaxTimeoutSeconds)
            return seconds;
        result.AddError($"--timeout takes a number of seconds above 0 and at most {MaxTimeoutSeconds}, not '{text}'");
        return null;
    }
}
