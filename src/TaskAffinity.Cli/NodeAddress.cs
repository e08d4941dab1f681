using System.Globalization;
using System.Text.RegularExpressions;

namespace TaskAffinity.Cli;

/// <summary>
/// A node's command host: how it is shown to the operator (as typed) and the URL commands are posted to.
/// </summary>
internal sealed partial record NodeAddress(string Display, Uri CommandUri)
{
    // host:port where host is a name, an IPv4 address or a bracketed IPv6 address. Palette names never
    // contain a colon, so a first token of this shape can only mean an address.
    [GeneratedRegex(@"^(?<host>\[[0-9A-Fa-f:.]+(%[\w.-]+)?\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?):(?<port>[0-9]+)$")]
    private static partial Regex HostPort();

    public static bool LooksLikeAddress(string token) =>
        token.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || token.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || HostPort().IsMatch(token);

    /// <summary>Parses a token for which <see cref="LooksLikeAddress"/> holds; throws <see cref="UsageException"/> if it is not a usable address after all (a port out of range, a malformed URL).</summary>
    public static NodeAddress Parse(string token)
    {
        if (HostPort().Match(token) is { Success: true } match)
        {
            var port = match.Groups["port"].Value;
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
                throw new UsageException($"'{token}' has port {port}: ports run from 1 to 65535");
            return new NodeAddress(token, new Uri($"http://{match.Groups["host"].Value}:{number}/cmd"));
        }

        if (!Uri.TryCreate(token, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
            throw new UsageException($"'{token}' is not a usable address: expected host:port or an http:// or https:// URL");
        // A URL may carry a path prefix (a node behind a reverse proxy): the command endpoint is below it.
        var basePath = url.AbsolutePath.TrimEnd('/');
        return new NodeAddress(token.TrimEnd('/'), new UriBuilder(url) { Path = basePath + "/cmd", Query = "", Fragment = "" }.Uri);
    }
}
