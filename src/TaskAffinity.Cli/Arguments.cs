using System.CommandLine;

namespace TaskAffinity.Cli;

/// <summary>One command line (or interactive line) taken apart: tactl's settings and the tokens for the node.</summary>
internal sealed record ParsedLine(Settings Settings, IReadOnlyList<string> Forwarded, bool WantsHelp);

/// <summary>
/// Separates tactl's own options, wherever they stand, from the tokens that go to the node. The node owns
/// its palettes' syntax, so everything else, options like <c>--worker</c> included, is passed on unchanged
/// and in order; a first token shaped like host:port or a URL is the node's address.
/// </summary>
internal static class Arguments
{
    /// <summary>Throws <see cref="UsageException"/> for a bad value of one of tactl's own options.</summary>
    public static ParsedLine Parse(IReadOnlyList<string> tokens, Settings defaults, CliOptions options)
    {
        // An option given twice counts once, the later one winning (System.CommandLine rejects repeats).
        var own = new Dictionary<Option, string[]>();
        var forwarded = new List<string>();
        var optionsEnded = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (optionsEnded)
            {
                forwarded.Add(token);
                continue;
            }
            // "--" lets a token that is also one of tactl's options (say --json) reach the node.
            if (token == "--")
            {
                optionsEnded = true;
                continue;
            }
            var (option, valueInline) = Find(token, options);
            if (option is null)
            {
                forwarded.Add(token);
                continue;
            }
            var takesValue = option.Arity.MaximumNumberOfValues > 0;
            own[option] = takesValue && !valueInline && i + 1 < tokens.Count ? [token, tokens[++i]] : [token];
        }

        var parsed = options.Parse([.. own.Values.SelectMany(t => t)]);
        if (parsed.Errors.Count > 0)
            throw new UsageException(parsed.Errors[0].Message);

        var address = defaults.Address;
        if (forwarded.Count > 0 && NodeAddress.LooksLikeAddress(forwarded[0]))
        {
            address = NodeAddress.Parse(forwarded[0]);
            forwarded.RemoveAt(0);
        }

        var settings = defaults with
        {
            Address = address,
            Token = parsed.GetValue(options.Token) ?? defaults.Token,
            Timeout = parsed.GetValue(options.Timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : defaults.Timeout,
            Json = defaults.Json || parsed.GetValue(options.Json),
            Color = parsed.GetValue(options.NoColor) ? ColorChoice.Never
                : parsed.GetValue(options.Color) ? ColorChoice.Always
                : defaults.Color,
        };
        var wantsHelp = forwarded is [var only] && CliOptions.IsHelp(only);
        return new ParsedLine(settings, forwarded, wantsHelp);
    }

    /// <summary>The option a token names, as "--name" or, for options with a value, "--name=value".</summary>
    private static (Option? Option, bool ValueInline) Find(string token, CliOptions options)
    {
        foreach (var option in options.Own)
        {
            if (token == option.Name || option.Aliases.Contains(token))
                return (option, false);
            if (option.Arity.MaximumNumberOfValues > 0 && token.StartsWith(option.Name + "=", StringComparison.Ordinal))
                return (option, true);
        }
        return (null, false);
    }
}
