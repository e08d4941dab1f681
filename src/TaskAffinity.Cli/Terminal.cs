namespace TaskAffinity.Cli;

/// <summary>
/// The streams tactl talks through, and whether each comes from or goes to a file or pipe rather than a
/// terminal: colour escapes are only worth keeping on a terminal, and a prompt only helps someone typing.
/// </summary>
internal sealed record Terminal(TextReader In, TextWriter Out, TextWriter Error, bool InRedirected, bool OutRedirected, bool ErrorRedirected);
