using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace TaskAffinity.Node.Tests.Admin;

/// <summary>The admin port under bad input, the metrics and health endpoints, and the web page in a real browser.</summary>
[Collection(AdminNode.Collection)]
public sealed class AdminEndpointSpec(AdminNode node, ITestOutputHelper output)
{
    private string Url(string path) => $"http://{node.Address}{path}";

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostCmd(HttpContent content)
    {
        var response = await node.Http.PostAsync(Url("/cmd"), content);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task StillHealthy()
    {
        (await node.Http.GetAsync(Url("/health/ready"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (status, body) = await PostCmd(Json("""{"args":["cluster","status"]}"""));
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("text").GetString()!.ShouldContain("| up |");
    }

    [Fact]
    public async Task Garbage_bytes_on_the_port_get_a_400_and_the_node_goes_on()
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, node.Port);
            var stream = tcp.GetStream();
            var garbage = new byte[4096];
            new Random(7).NextBytes(garbage);
            await stream.WriteAsync(garbage);
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Encoding.ASCII.GetString(buffer, 0, read).ShouldStartWith("HTTP/1.1 400");
        }
        await StillHealthy();
    }

    [Fact]
    public async Task An_unknown_palette_and_missing_arguments_get_an_error_and_a_usage_line()
    {
        var (status, body) = await PostCmd(Json("""{"args":["frobnicate","now"]}"""));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("ok").GetBoolean().ShouldBeFalse();
        body.GetProperty("error").GetString()!.ShouldStartWith("unknown palette 'frobnicate'; palettes: cluster, cluster-sharding, affinity");
        body.GetProperty("usage").GetString()!.ShouldStartWith("usage: tactl [host:port] <palette> <command>");

        (status, body) = await PostCmd(Json("""{"args":["tasks","explain","only-a-chain"]}"""));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe("missing argument task: the task id");
        body.GetProperty("usage").GetString().ShouldBe("usage: tactl [host:port] tasks explain <chain> <task>");

        (status, body) = await PostCmd(Json("""{"args":["cluster","down","not-an-address"]}"""));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString()!.ShouldContain("'not-an-address' is not a member address");
        await StillHealthy();
    }

    [Fact]
    public async Task Bodies_that_are_not_a_command_are_refused_saying_what_is_wrong()
    {
        var (status, body) = await PostCmd(Json("this is not json"));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString()!.ShouldStartWith("the body is not JSON");

        (status, body) = await PostCmd(Json("""{"args":["cluster", 42]}"""));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().ShouldBe("argument 2 is a JSON number, not a string");

        (status, body) = await PostCmd(Json("""{"palette":"cluster"}"""));
        body.GetProperty("error").GetString().ShouldBe("the body must be a JSON object with an \"args\" array of strings");

        (status, body) = await PostCmd(Json(JsonSerializer.Serialize(new { args = Enumerable.Repeat("x", 1000) })));
        body.GetProperty("error").GetString().ShouldBe("too many arguments (1000; at most 256)");
        await StillHealthy();
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413_and_the_node_goes_on()
    {
        // Over a raw socket: the node answers and closes before the body is all sent, so an HTTP client would
        // often see only its own broken pipe. The answer is still there to read.
        var huge = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { args = new[] { "tasks", "submit", "--graph", new string('x', 4_000_000) } }));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, node.Port);
        var stream = tcp.GetStream();
        var head = Encoding.ASCII.GetBytes($"POST /cmd HTTP/1.1\r\nHost: {node.Address}\r\nContent-Type: application/json\r\nContent-Length: {huge.Length}\r\n\r\n");
        try
        {
            await stream.WriteAsync(head);
            await stream.WriteAsync(huge);
        }
        catch (IOException)
        {
            // refused mid-body, as it should be
        }
        var answer = new StringBuilder();
        var buffer = new byte[8192];
        int read;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0 && !answer.ToString().Contains('}'))
            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        output.WriteLine(answer.ToString());
        answer.ToString().ShouldStartWith("HTTP/1.1 413");
        answer.ToString().ShouldContain("taskaffinity.admin.max-request-bytes");
        await StillHealthy();
    }

    [Fact]
    public async Task Metrics_are_in_prometheus_text_format_with_the_work_that_ran()
    {
        var text = await node.Http.GetStringAsync(Url("/metrics"));
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("taskaffinity_", StringComparison.Ordinal) && !l.Contains("_bucket")).Take(40))
            output.WriteLine(line);
        text.ShouldContain($"taskaffinity_tasks_submitted_total{{type=\"SnapshotCreate\"}} {AdminNode.Chains}");
        text.ShouldContain($"taskaffinity_tasks_completed_total{{type=\"SnapshotView\"}} {AdminNode.Chains}");
        text.ShouldContain("# TYPE taskaffinity_task_run_seconds histogram");
        Regex.IsMatch(text, @"taskaffinity_placements_total\{policy=""affinity"",term=""[a-z-]+""\} \d+").ShouldBeTrue();
        Regex.IsMatch(text, @"taskaffinity_resource_usage_ratio\{resource=""cpu""\} [0-9.e-]+").ShouldBeTrue();
        Regex.IsMatch(text, @"taskaffinity_prediction_top1_ratio\{scope=""all""\} [0-9.e-]+").ShouldBeTrue();
        text.ShouldContain("taskaffinity_prefetch_hits_total");
        text.ShouldContain("taskaffinity_scheduler_waiting_tasks");
    }

    [Fact]
    public async Task Health_live_and_ready_say_what_they_checked()
    {
        var live = await node.Http.GetStringAsync(Url("/health/live"));
        live.ShouldContain("\"status\":\"Healthy\"");
        var ready = await node.Http.GetStringAsync(Url("/health/ready"));
        ready.ShouldContain("member Up, journal reachable, regions started");
    }

    [Fact]
    public async Task The_web_page_in_headless_chromium_shows_the_host_the_affinity_matrix_and_refreshes()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        chromium.ShouldNotBeNull("Chromium is not installed (.ci/run installs it: apt-get install -y chromium)");
        var dom = await Chromium(chromium, "--dump-dom", Url("/?refresh=400"));
        Regex.Match(dom, @"data-refreshes=""(\d+)""").Groups[1].Value.ShouldNotBeEmpty(dom[..Math.Min(dom.Length, 2000)]);
        int.Parse(Regex.Match(dom, @"data-refreshes=""(\d+)""").Groups[1].Value).ShouldBeGreaterThanOrEqualTo(2);
        Regex.Matches(dom, @"<rect[^>]*data-host=""adm""[^>]*data-resource=""cpu""").Count.ShouldBe(1);
        Regex.Matches(dom, @"<rect[^>]*data-worker=""adm/\d+""").Count.ShouldBeGreaterThanOrEqualTo(3);
        dom.ShouldContain("id=\"status\"");
        Regex.IsMatch(dom, @"id=""summary-completed""[^>]*>\d+<").ShouldBeTrue();
        Regex.IsMatch(dom, @"<svg[^>]*id=""hit-rate""").ShouldBeTrue();

        var shot = Path.Combine(Environment.GetEnvironmentVariable("TASKAFFINITY_SCREENSHOT_DIR") ?? AppContext.BaseDirectory, "admin-page.png");
        await Chromium(chromium, $"--screenshot={shot}", "--window-size=1400,1000", Url("/?refresh=400"));
        output.WriteLine($"screenshot: {shot}");
        new FileInfo(shot).Length.ShouldBeGreaterThan(10_000);
    }

    private static async Task<string> Chromium(string chromium, params string[] args)
    {
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", $"--user-data-dir={Directory.CreateTempSubdirectory("chromium-").FullName}", "--virtual-time-budget=5000" }.Concat(args))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cancel.Token);
        return await stdout;
    }
}
