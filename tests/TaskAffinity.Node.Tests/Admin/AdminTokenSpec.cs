using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Shouldly;
using Xunit;

namespace TaskAffinity.Node.Tests.Admin;

/// <summary>Beyond loopback the admin endpoint will not start without a token, and refuses commands that lack it.</summary>
public sealed class AdminTokenSpec : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_node_bound_beyond_loopback_without_a_token_exits_2_naming_the_token_setting()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--port", "0", "--admin", "0.0.0.0:0"], TimeSpan.FromSeconds(30));
        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("taskaffinity.admin.token");
    }

    [Fact]
    public async Task A_malformed_admin_address_exits_2_naming_it()
    {
        var (code, node) = await NodeProcess.RunAsync(_temp.Path, ["--port", "0", "--admin", "localhost:notaport"], TimeSpan.FromSeconds(30));
        code.ShouldBe(2, node.Transcript());
        node.Stderr.ShouldContain("taskaffinity.admin.address");
    }

    [Fact]
    public async Task With_a_token_commands_need_it_and_tactl_passes_it()
    {
        var port = NodeProcess.FreePort();
        var config = Path.Combine(_temp.Path, "token.conf");
        await File.WriteAllTextAsync(config, "taskaffinity.admin.token = \"s3cret\"\ntaskaffinity.worker.slots = 4\n");
        using var node = NodeProcess.Start(_temp.Path, ["--port", "0", "--name", "tok", "--config", config, "--data-dir", Path.Combine(_temp.Path, "data")],
            new Dictionary<string, string> { ["TASKAFFINITY_ADMIN"] = $"0.0.0.0:{port}" });
        using var http = new HttpClient();
        await AdminNode.WaitForAsync(async () =>
        {
            try { return (await http.GetAsync($"http://127.0.0.1:{port}/health/live")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(60), "the admin endpoint");

        var body = new StringContent("""{"args":["cluster","status"]}""", Encoding.UTF8, "application/json");
        (await http.PostAsync($"http://127.0.0.1:{port}/cmd", body)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var wrong = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/cmd") { Content = new StringContent("""{"args":["cluster","status"]}""") };
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        (await http.SendAsync(wrong)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var (code, stdout, stderr) = await AdminNode.Tactl([$"127.0.0.1:{port}", "--token", "s3cret", "cluster", "status"]);
        code.ShouldBe(0, stderr);
        stdout.ShouldContain("| [host-tok,scheduler,worker] |");

        // hosts drain: the host's workers go offline for placement (they report Online false)
        async Task<int?> Online()
        {
            var (_, json, _) = await AdminNode.Tactl([$"127.0.0.1:{port}", "--token", "s3cret", "hosts", "show", "--json"]);
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var hosts = doc.RootElement.GetProperty("hosts");
            return hosts.GetArrayLength() == 0 || hosts[0].GetProperty("workers").GetInt32() == 0 ? null : hosts[0].GetProperty("online").GetInt32();
        }
        await AdminNode.WaitForAsync(async () => await Online() == 4, TimeSpan.FromSeconds(30), "four online workers");
        (code, stdout, stderr) = await AdminNode.Tactl([$"127.0.0.1:{port}", "--token", "s3cret", "hosts", "drain", "tok"]);
        code.ShouldBe(0, stderr);
        stdout.ShouldStartWith("Draining host tok: 4 workers");
        await AdminNode.WaitForAsync(async () => await Online() == 0, TimeSpan.FromSeconds(30), "the drained workers to report offline");
    }
}
