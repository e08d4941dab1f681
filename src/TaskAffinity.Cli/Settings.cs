namespace TaskAffinity.Cli;

/// <summary>Whether to keep ANSI colour escapes: Auto keeps them only on a terminal.</summary>
internal enum ColorChoice { Auto, Always, Never }

/// <summary>
/// tactl's own settings for one command. Address is null until a token or the environment names one.
/// In interactive mode the session's settings are the defaults each line starts from.
/// </summary>
internal sealed record Settings(NodeAddress? Address, string? Token, TimeSpan Timeout, bool Json, ColorChoice Color)
{
    public const string DefaultAddress = "127.0.0.1:9110";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The defaults before any flag: the token from TACTL_TOKEN; the address is resolved later, only if no token names one.</summary>
    public static Settings FromEnvironment(Func<string, string?> env) =>
        new(null, env("TACTL_TOKEN") is { Length: > 0 } token ? token : null, DefaultTimeout, Json: false, ColorChoice.Auto);

    /// <summary>TACTL_ADDRESS, or 127.0.0.1:9110 without it. A variable that is not an address is a usage error.</summary>
    public static NodeAddress AddressFromEnvironment(Func<string, string?> env)
    {
        if (env("TACTL_ADDRESS") is not { Length: > 0 } text)
            return NodeAddress.Parse(DefaultAddress);
        if (!NodeAddress.LooksLikeAddress(text))
            throw new UsageException($"TACTL_ADDRESS is '{text}': expected host:port or an http:// or https:// URL");
        return NodeAddress.Parse(text);
    }
}
