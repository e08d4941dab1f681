using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TaskAffinity.Cli;

/// <summary>
/// Posts a command's tokens to a node's command host and turns whatever happens into a <see cref="Reply"/>:
/// network failures, timeouts and bodies that are not command replies become a <see cref="NoAnswer"/>
/// rather than an exception, so one bad command cannot end an interactive session.
/// </summary>
internal sealed class CommandClient(HttpClient http)
{
    // Enough of a foreign body (a proxy's error page, say) to recognise it, not enough to flood the terminal.
    private const int SnippetLength = 200;

    public async Task<Reply> SendAsync(NodeAddress address, IReadOnlyList<string> args, string? token, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address.CommandUri)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { args }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            return Interpret(address, response, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return new NoAnswer($"no answer from {address.Display} within {seconds} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new NoAnswer($"cannot reach {address.Display}: {Cause(e)}");
        }
    }

    private static Reply Interpret(NodeAddress address, HttpResponseMessage response, string body)
    {
        if (ParseAnswer(body) is { } answer)
            return answer;
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        if (body.Length == 0)
            return new NoAnswer($"{address.Display} answered {status} with an empty body");
        return response.IsSuccessStatusCode
            ? new NoAnswer($"{address.Display} answered {status} with something that is not a command reply: {Snippet(body)}")
            : new NoAnswer($"{address.Display} answered {status}: {Snippet(body)}");
    }

    /// <summary>The reply if the body is a JSON object with a boolean "ok"; null for anything else.</summary>
    private static Answer? ParseAnswer(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                return null;
            var data = root.TryGetProperty("data", out var value) ? value.Clone() : default;
            return new Answer(ok.GetBoolean(), StringOrNull(root, "text"), data, StringOrNull(root, "error"), StringOrNull(root, "usage"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringOrNull(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The start of a body on one line: newlines and other control characters (escapes too) become spaces.</summary>
    private static string Snippet(string body)
    {
        var start = body.Length > SnippetLength ? body[..SnippetLength] : body;
        var line = new string([.. start.Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return body.Length > SnippetLength ? line + "..." : line;
    }

    /// <summary>The socket's own words ("Connection refused") where there is a socket error, else the innermost message.</summary>
    private static string Cause(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is SocketException socket)
                return socket.Message;
        var innermost = e;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        return innermost.Message;
    }
}
