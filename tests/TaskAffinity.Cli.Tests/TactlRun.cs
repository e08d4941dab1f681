using System.Net;
using System.Net.Sockets;

namespace TaskAffinity.Cli.Tests;

/// <summary>What one in-process run of tactl printed and returned.</summary>
public sealed record TactlResult(int ExitCode, string Out, string Error);

/// <summary>Runs tactl's entry class in this process with captured streams and a given environment.</summary>
internal static class TactlRun
{
    /// <param name="env">The only environment variables tactl sees (the machine's own never leak in).</param>
    /// <param name="outRedirected">Whether stdout counts as a file or pipe (colour is stripped then unless --color).</param>
    /// <param name="inRedirected">Whether stdin is piped (no prompt then).</param>
    public static async Task<TactlResult> RunAsync(
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? env = null,
        string input = "",
        bool outRedirected = false,
        bool inRedirected = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var terminal = new Terminal(new StringReader(input), output, error, inRedirected, outRedirected, ErrorRedirected: outRedirected);
        using var tactl = new Tactl(terminal, name => env is not null && env.TryGetValue(name, out var value) ? value : null);
        var exitCode = await tactl.RunAsync(args);
        return new TactlResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A loopback port nothing listens on: taken from the OS, then released.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>An expected-output file from expected/, with {placeholders} filled in and line ends made \n.</summary>
    public static string Expected(string name, IReadOnlyDictionary<string, string>? values = null)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "expected", name));
        foreach (var (key, value) in values ?? new Dictionary<string, string>())
            text = text.Replace("{" + key + "}", value);
        return Lf(text);
    }

    public static string Lf(string text) => text.Replace("\r\n", "\n");
}
