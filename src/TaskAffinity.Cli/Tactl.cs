namespace TaskAffinity.Cli;

/// <summary>
/// tactl itself: one command from the command line, or an interactive session when the command line names
/// no palette. Holds one HTTP client for the whole run, so a session reuses its connection.
/// </summary>
internal sealed class Tactl : IDisposable
{
    private readonly Terminal terminal;
    private readonly Func<string, string?> env;
    private readonly CliOptions options = new();
    private readonly HttpClient http;
    private readonly CommandClient client;

    /// <param name="handler">The HTTP stack; null for the ordinary one.</param>
    public Tactl(Terminal terminal, Func<string, string?> env, HttpMessageHandler? handler = null)
    {
        this.terminal = terminal;
        this.env = env;
        // Each command carries its own deadline (--timeout), so the client-wide one is off.
        http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client = new CommandClient(http);
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        try
        {
            var line = Arguments.Parse(args, Settings.FromEnvironment(env), options);
            if (line.WantsHelp)
                return Help();
            var settings = line.Settings with { Address = line.Settings.Address ?? Settings.AddressFromEnvironment(env) };
            if (line.Forwarded.Count == 0)
                return await new Repl(terminal, settings, RunLineAsync).RunAsync();
            return await SendAsync(line.Forwarded, settings);
        }
        catch (UsageException e)
        {
            return UsageError(e);
        }
    }

    /// <summary>Runs one interactive line: the session's settings are its defaults, its own options win.</summary>
    public async Task<int> RunLineAsync(IReadOnlyList<string> tokens, Settings session)
    {
        try
        {
            var line = Arguments.Parse(tokens, session, options);
            return line.WantsHelp ? Help() : await SendAsync(line.Forwarded, line.Settings);
        }
        catch (UsageException e)
        {
            return UsageError(e);
        }
    }

    private async Task<int> SendAsync(IReadOnlyList<string> forwarded, Settings settings)
    {
        // Reading --file before anything is sent: a missing file must not leave half a command at the node.
        var args = GraphFile.Inline(forwarded);
        var address = settings.Address ?? throw new InvalidOperationException("the address is resolved before sending");
        var reply = await client.SendAsync(address, args, settings.Token, settings.Timeout);
        return Output.Write(reply, settings, terminal);
    }

    private int Help()
    {
        options.WriteHelp(terminal.Out);
        return ExitCodes.Ok;
    }

    private int UsageError(UsageException e)
    {
        terminal.Error.WriteLine($"tactl: {e.Message}");
        return ExitCodes.Usage;
    }

    public void Dispose() => http.Dispose();
}
