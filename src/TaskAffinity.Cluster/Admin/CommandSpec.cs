using System.Collections.Immutable;
using System.Text;

namespace TaskAffinity.Cluster.Admin;

/// <summary>One argument or flag of a command. A flag with no value (<see cref="IsSwitch"/>) is on when present.</summary>
public sealed record ArgSpec(string Name, string Description, bool Required = false, bool IsFlag = false, bool IsSwitch = false, bool Repeats = false);

/// <summary>A command of a palette: its positional arguments (in order) and flags (<c>--name value</c>).</summary>
public sealed record CommandSpec(string Name, string Description, ImmutableArray<ArgSpec> Args)
{
    public static CommandSpec Of(string name, string description, params ArgSpec[] args) => new(name, description, [.. args]);

    public string Usage(string palette)
    {
        var line = new StringBuilder($"tactl [host:port] {palette} {Name}");
        foreach (var a in Args)
        {
            var shape = a.IsSwitch ? $"--{a.Name}" : a.IsFlag ? $"--{a.Name} <{a.Name}>" : $"<{a.Name}>";
            if (a.Repeats) shape += " ...";
            line.Append(a.Required ? $" {shape}" : $" [{shape}]");
        }
        return line.ToString();
    }
}

/// <summary>A palette: a named group of commands served by one actor of the command host.</summary>
public sealed record PaletteSpec(string Name, string Description, ImmutableArray<CommandSpec> Commands)
{
    /// <summary>The command run when the palette is named alone (<c>tactl heatmap</c>); null: the palette's usage is shown.</summary>
    public string? DefaultCommand { get; init; }

    public static PaletteSpec Of(string name, string description, params CommandSpec[] commands) => new(name, description, [.. commands]);

    public CommandSpec? Find(string command) => Commands.FirstOrDefault(c => c.Name == command);

    public string Usage() =>
        $"{Name}: {Description}\n" + string.Join("\n", Commands.Select(c => $"  {c.Usage(Name),-70} {c.Description}"));
}

/// <summary>A command line the command host understood: the palette, the command, and its arguments by name.</summary>
public sealed record ParsedCommand(string Palette, string Command, ImmutableDictionary<string, ImmutableArray<string>> Values, ImmutableHashSet<string> Switches)
{
    public string? Get(string name) => Values.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : null;

    public ImmutableArray<string> All(string name) => Values.TryGetValue(name, out var v) ? v : [];

    public bool Has(string name) => Switches.Contains(name);
}

/// <summary>Why a command line was not understood, with the usage that would have been.</summary>
public sealed record CommandError(string Error, string Usage);

/// <summary>
/// Parses the tokens tactl sends (<c>palette command args... --flag value</c>) against the palettes. Pure, so
/// every malformed line gets the same clear error wherever it comes from.
/// </summary>
public static class CommandParser
{
    public const string GeneralUsage = "usage: tactl [host:port] <palette> <command> [args] [--json]   (tactl help lists the palettes)";

    public static string Help(IEnumerable<PaletteSpec> palettes) =>
        "Palettes:\n" + string.Join("\n", palettes.Select(p => $"  {p.Name,-18} {p.Description}")) +
        "\n\ntactl <palette> lists a palette's commands.\n" + GeneralUsage;

    public static (ParsedCommand? Command, CommandError? Error) Parse(IReadOnlyList<string> tokens, IReadOnlyList<PaletteSpec> palettes)
    {
        if (tokens.Count == 0)
            return (null, new CommandError("no palette given", GeneralUsage));
        var palette = palettes.FirstOrDefault(p => p.Name == tokens[0]);
        if (palette is null)
            return (null, new CommandError($"unknown palette '{Shorten(tokens[0])}'; palettes: {string.Join(", ", palettes.Select(p => p.Name))}", GeneralUsage));
        if (palette.DefaultCommand is { } implied && (tokens.Count == 1 || tokens[1].StartsWith("--", StringComparison.Ordinal)))
            tokens = [tokens[0], implied, .. tokens.Skip(1)];
        if (tokens.Count == 1)
            return (null, new CommandError($"no command given for palette '{palette.Name}'", palette.Usage()));
        var command = palette.Find(tokens[1]);
        if (command is null)
            return (null, new CommandError($"unknown command '{Shorten(tokens[1])}' in palette '{palette.Name}'; commands: {string.Join(", ", palette.Commands.Select(c => c.Name))}", palette.Usage()));
        return Bind(palette.Name, command, tokens.Skip(2).ToList());
    }

    private static (ParsedCommand?, CommandError?) Bind(string palette, CommandSpec spec, List<string> rest)
    {
        var values = new Dictionary<string, List<string>>();
        var switches = new HashSet<string>();
        var positionals = spec.Args.Where(a => !a.IsFlag).ToList();
        var next = 0;
        CommandError Fail(string error) => new(error, "usage: " + spec.Usage(palette));

        for (var i = 0; i < rest.Count; i++)
        {
            var token = rest[i];
            if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                var name = token[2..];
                var flag = spec.Args.FirstOrDefault(a => a.IsFlag && a.Name == name);
                if (flag is null)
                    return (null, Fail($"unknown option '{Shorten(token)}' for '{palette} {spec.Name}'"));
                if (flag.IsSwitch)
                {
                    switches.Add(name);
                    continue;
                }
                if (i + 1 >= rest.Count)
                    return (null, Fail($"option --{name} needs a value"));
                Add(values, name, rest[++i]);
                continue;
            }
            if (next >= positionals.Count)
                return (null, Fail($"unexpected argument '{Shorten(token)}'"));
            Add(values, positionals[next].Name, token);
            if (!positionals[next].Repeats) next++;
        }
        foreach (var required in spec.Args.Where(a => a.Required && !values.ContainsKey(a.Name)))
            return (null, Fail($"missing {(required.IsFlag ? "option --" : "argument ")}{required.Name}: {required.Description}"));
        return (new ParsedCommand(palette, spec.Name,
            values.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray()), [.. switches]), null);
    }

    private static void Add(Dictionary<string, List<string>> values, string name, string value)
    {
        if (!values.TryGetValue(name, out var list)) values[name] = list = [];
        list.Add(value);
    }

    // Echoed input is cut short: an error message must not carry a megabyte back.
    private static string Shorten(string token) => token.Length <= 60 ? token : token[..60] + "…";
}
