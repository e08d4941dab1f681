using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>What the fake command host saw of one request.</summary>
public sealed record RecordedRequest(IReadOnlyList<string> Args, string Authorization, string? ContentType, string Body);

/// <summary>What the fake command host answers: a status, a body, and optionally a delay before it.</summary>
public sealed record CannedReply(int Status, string Body, string ContentType = "application/json", TimeSpan Delay = default)
{
    public static CannedReply Ok(string text, object? data = null) =>
        new(200, JsonSerializer.Serialize(new { ok = true, text, data }));

    public static CannedReply Refused(int status, string error, string? usage) =>
        new(status, JsonSerializer.Serialize(new { ok = false, error, usage }));
}

/// <summary>
/// A command host on a free loopback port, speaking the node's HTTP contract: it records each request's
/// args and headers and answers with whatever the test set in <see cref="Answer"/>.
/// </summary>
public sealed class FakeCommandHost : IAsyncLifetime
{
    private WebApplication? app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Func<RecordedRequest, CannedReply> Answer { get; set; } = _ => CannedReply.Ok("done");

    /// <summary>host:port, as an operator would type it.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Forgets earlier tests' requests and canned answer (one fixture serves a whole test class).</summary>
    public void Reset()
    {
        Requests.Clear();
        Answer = _ => CannedReply.Ok("done");
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app = builder.Build();
        app.MapPost("/cmd", HandleAsync);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(url).Authority;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        var args = JsonDocument.Parse(body).RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToList();
        var request = new RecordedRequest(args, context.Request.Headers.Authorization.ToString(), context.Request.ContentType, body);
        Requests.Enqueue(request);

        var reply = Answer(request);
        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up, as the timeout tests want it to
            }
        }
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.ContentType;
        await context.Response.WriteAsync(reply.Body);
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
            await app.DisposeAsync();
    }
}
