using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>What reaches the node: the tokens after tactl's own options, unchanged and in order, at the right address, with the token.</summary>
public sealed class ForwardingSpec : IClassFixture<FakeCommandHost>
{
    private readonly FakeCommandHost host;

    public ForwardingSpec(FakeCommandHost host)
    {
        this.host = host;
        host.Reset();
    }

    private RecordedRequest OnlyRequest()
    {
        host.Requests.Count.ShouldBe(1);
        host.Requests.TryPeek(out var request).ShouldBeTrue();
        return request!;
    }

    [Fact]
    public async Task Tokens_after_the_address_go_to_the_node_verbatim_and_in_order()
    {
        var result = await TactlRun.RunAsync([host.Address, "affinity", "show", "--worker", "n1/0", "--since", "2 h", "-v", "", "ünïcode \"quoted\""]);

        result.ExitCode.ShouldBe(0);
        OnlyRequest().Args.ShouldBe(["affinity", "show", "--worker", "n1/0", "--since", "2 h", "-v", "", "ünïcode \"quoted\""]);
    }

    [Fact]
    public async Task The_request_is_a_json_post_with_an_args_array()
    {
        await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        var request = OnlyRequest();
        request.ContentType.ShouldNotBeNull().ShouldStartWith("application/json");
        request.Body.ShouldBe("""{"args":["cluster","show"]}""");
    }

    [Fact]
    public async Task Tactls_own_options_are_taken_out_wherever_they_stand()
    {
        var result = await TactlRun.RunAsync(["--no-color", host.Address, "cluster", "--timeout", "5", "show", "--token=t", "--worker", "x", "--json"]);

        result.ExitCode.ShouldBe(0);
        OnlyRequest().Args.ShouldBe(["cluster", "show", "--worker", "x"]);
    }

    [Fact]
    public async Task After_a_double_dash_even_tactls_option_names_go_to_the_node()
    {
        await TactlRun.RunAsync([host.Address, "tasks", "--", "submit", "--json", "--token", "t"]);

        var request = OnlyRequest();
        request.Args.ShouldBe(["tasks", "submit", "--json", "--token", "t"]);
        request.Authorization.ShouldBeEmpty();
    }

    [Fact]
    public async Task Help_after_a_palette_is_the_nodes_to_answer()
    {
        await TactlRun.RunAsync([host.Address, "cluster", "--help"]);

        OnlyRequest().Args.ShouldBe(["cluster", "--help"]);
    }

    [Fact]
    public async Task Without_an_address_token_the_first_token_is_the_palette_and_TACTL_ADDRESS_the_node()
    {
        var env = new Dictionary<string, string> { ["TACTL_ADDRESS"] = host.Address };

        var result = await TactlRun.RunAsync(["cluster", "show"], env);

        result.ExitCode.ShouldBe(0);
        OnlyRequest().Args.ShouldBe(["cluster", "show"]);
    }

    [Fact]
    public async Task An_address_token_wins_over_TACTL_ADDRESS()
    {
        var env = new Dictionary<string, string> { ["TACTL_ADDRESS"] = $"127.0.0.1:{TactlRun.ClosedPort()}" };

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"], env);

        result.ExitCode.ShouldBe(0);
        OnlyRequest().Args.ShouldBe(["cluster", "show"]);
    }

    [Fact]
    public async Task An_http_url_is_an_address_too()
    {
        var result = await TactlRun.RunAsync([$"http://{host.Address}/", "cluster", "show"]);

        result.ExitCode.ShouldBe(0);
        OnlyRequest().Args.ShouldBe(["cluster", "show"]);
    }

    [Fact]
    public async Task Without_anything_after_the_palette_tactl_sends_the_palette_alone()
    {
        host.Answer = _ => CannedReply.Refused(400, "missing command", "usage: tactl cluster show|leave|down <address>");

        var result = await TactlRun.RunAsync([host.Address, "cluster"]);

        OnlyRequest().Args.ShouldBe(["cluster"]);
        TactlRun.Lf(result.Error).ShouldBe("tactl: missing command\nusage: tactl cluster show|leave|down <address>\n");
    }

    [Fact]
    public async Task The_token_option_is_sent_as_a_bearer_header()
    {
        await TactlRun.RunAsync([host.Address, "cluster", "show", "--token", "s3cret"]);

        OnlyRequest().Authorization.ShouldBe("Bearer s3cret");
    }

    [Fact]
    public async Task TACTL_TOKEN_is_the_token_unless_the_option_gives_one()
    {
        var env = new Dictionary<string, string> { ["TACTL_TOKEN"] = "from-env" };

        await TactlRun.RunAsync([host.Address, "cluster", "show"], env);
        await TactlRun.RunAsync([host.Address, "cluster", "show", "--token", "from-flag"], env);

        host.Requests.Select(r => r.Authorization).ShouldBe(["Bearer from-env", "Bearer from-flag"]);
    }

    [Fact]
    public async Task Without_a_token_there_is_no_authorization_header()
    {
        await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        OnlyRequest().Authorization.ShouldBeEmpty();
    }
}
