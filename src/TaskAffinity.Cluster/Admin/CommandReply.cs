namespace TaskAffinity.Cluster.Admin;

/// <summary>
/// What a command produced: text for people (tables, possibly with ANSI colours) and the same facts as data
/// for <c>--json</c>; or an error with the usage line. Stays inside the node: the admin endpoint turns it into JSON.
/// </summary>
public sealed record CommandReply(bool Ok, string Text, object? Data, string? Error = null, string? Usage = null)
{
    public static CommandReply Success(string text, object? data) => new(true, text, data);

    public static CommandReply Failure(string error, string? usage = null) => new(false, "", null, error, usage);
}

/// <summary>Asks a palette actor to run a parsed command; it answers a <see cref="CommandReply"/>.</summary>
public sealed record RunCommand(ParsedCommand Command);

/// <summary>Asks the command host to parse and run a command line (tokens as tactl sent them).</summary>
public sealed record ExecuteCommand(IReadOnlyList<string> Tokens);
