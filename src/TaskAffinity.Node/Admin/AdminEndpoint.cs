using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using TaskAffinity.Cluster.Admin;
using TaskAffinity.Cluster.Hosting;
using TaskAffinity.Cluster.Monitoring;

namespace TaskAffinity.Node.Admin;

/// <summary>
/// The node's admin HTTP endpoint: <c>POST /cmd</c> (tactl's command host), <c>/metrics</c>, <c>/health/live</c>,
/// <c>/health/ready</c>, and the web page at <c>/</c> with its data at <c>/api/overview</c>. Whatever arrives is
/// bounded (body size, token count) and answered with an error that says what was wrong; nothing reaches the
/// actors that is not a parsed command.
/// </summary>
internal static class AdminEndpoint
{
    private const int MaxTokens = 256;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable quotes and arrows; never embedded in HTML
    };

    public static IHostBuilder AddAdminEndpoint(this IHostBuilder builder, NodeConfig node)
    {
        var settings = node.Settings.Admin;
        if (!settings.Enabled) return builder;
        var address = AdminAddress.Parse(settings);
        return builder.ConfigureWebHost(web => web
            .UseKestrel(kestrel =>
            {
                kestrel.Listen(address.Ip, address.Port);
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes;
                kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
                kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            })
            .ConfigureServices(services =>
            {
                services.AddRouting();
                services.AddHostedService<AdminAddressAnnouncer>();
                services.AddHealthChecks()
                    .AddCheck("actor-system", new LivenessCheck(), tags: ["live"])
                    .AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
            })
            .Configure(app =>
            {
                app.UseRouting();
                app.UseEndpoints(endpoints =>
                {
                    endpoints.MapPost("/cmd", context => Command(context, settings));
                    endpoints.MapGet("/metrics", Metrics);
                    endpoints.MapHealthChecks("/health/live", Health("live"));
                    endpoints.MapHealthChecks("/health/ready", Health("ready"));
                    endpoints.MapGet("/", Page);
                    endpoints.MapGet("/api/overview", context => Overview(context, settings, node.Options));
                });
            }));
    }

    private static HealthCheckOptions Health(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = async (context, report) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
            }, Json));
        },
    };

    private static async Task Command(HttpContext context, AdminSettings settings)
    {
        if (!Authorized(context, settings))
        {
            await Reply(context, 401, CommandReply.Failure("a valid token is required: tactl --token TOKEN (taskaffinity.admin.token)"));
            return;
        }
        var (tokens, problem) = await ReadTokens(context);
        if (tokens is null)
        {
            await Reply(context, problem!.Value.Status, CommandReply.Failure(problem.Value.Error, CommandParser.GeneralUsage));
            return;
        }
        var host = context.RequestServices.GetRequiredService<IReadOnlyActorRegistry>().Get<CommandHostKey>();
        try
        {
            var reply = await host.Ask<CommandReply>(new ExecuteCommand(tokens), settings.Timeout + TimeSpan.FromSeconds(1), context.RequestAborted);
            await Reply(context, reply.Ok ? 200 : 400, reply);
        }
        catch (AskTimeoutException)
        {
            await Reply(context, 504, CommandReply.Failure($"the command did not finish within {settings.Timeout} (taskaffinity.admin.timeout)"));
        }
    }

    /// <summary>The body must be <c>{"args": ["palette", "command", ...]}</c>: strings only, a bounded number of them.</summary>
    private static async Task<(List<string>? Tokens, (int Status, string Error)? Problem)> ReadTokens(HttpContext context)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, (413, $"the request body is larger than {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes (taskaffinity.admin.max-request-bytes)"));
        }
        catch (JsonException e)
        {
            return (null, (400, $"the body is not JSON ({e.Message}); send {{\"args\": [\"palette\", \"command\", ...]}}"));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
                return (null, (400, "the body must be a JSON object with an \"args\" array of strings"));
            if (args.GetArrayLength() > MaxTokens)
                return (null, (400, $"too many arguments ({args.GetArrayLength()}; at most {MaxTokens})"));
            var tokens = new List<string>();
            foreach (var arg in args.EnumerateArray())
            {
                if (arg.ValueKind != JsonValueKind.String)
                    return (null, (400, $"argument {tokens.Count + 1} is a JSON {arg.ValueKind.ToString().ToLowerInvariant()}, not a string"));
                tokens.Add(arg.GetString()!);
            }
            return (tokens, null);
        }
    }

    private static async Task Reply(HttpContext context, int status, CommandReply reply)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = reply.Ok
            ? JsonSerializer.Serialize(new { ok = true, text = reply.Text, data = reply.Data }, Json)
            : JsonSerializer.Serialize(new { ok = false, error = reply.Error, usage = reply.Usage }, Json);
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// On loopback anyone local may command the node (like pbm). Elsewhere the token must come as a bearer
    /// header, or as the cookie the page sets when opened with <c>?token=</c>.
    /// </summary>
    private static bool Authorized(HttpContext context, AdminSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Token)) return true;
        var header = context.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim()
            : context.Request.Cookies.TryGetValue(TokenCookie, out var cookie) ? cookie : "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(settings.Token));
    }

    private const string TokenCookie = "taskaffinity-token";

    private static async Task Metrics(HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<NodeMetrics>();
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await context.Response.WriteAsync(await metrics.ExportAsync(context.RequestAborted), context.RequestAborted);
    }

    private static async Task Page(HttpContext context)
    {
        if (context.Request.Query.TryGetValue("token", out var token) && token.ToString() is { Length: > 0 } t)
            context.Response.Cookies.Append(TokenCookie, t, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
        await using var page = Assembly.GetExecutingAssembly().GetManifestResourceStream("TaskAffinity.Node.Admin.index.html")!;
        context.Response.ContentType = "text/html; charset=utf-8";
        await page.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task Overview(HttpContext context, AdminSettings settings, NodeOptions options)
    {
        if (!Authorized(context, settings))
        {
            context.Response.StatusCode = 401;
            return;
        }
        var registry = context.RequestServices.GetRequiredService<IReadOnlyActorRegistry>();
        var view = await registry.Get<ClusterViewKey>().Ask<ClusterViewSnapshot>(ClusterView.Get.Instance, settings.Timeout, context.RequestAborted);
        var address = Akka.Cluster.Cluster.Get(context.RequestServices.GetRequiredService<ActorSystem>()).SelfAddress.ToString();
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(Cluster.Admin.Overview.From(view, options.NodeName, address), Json), context.RequestAborted);
    }
}
