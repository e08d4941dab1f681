using System.Diagnostics;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>What tactl prints for each kind of answer, and the exit code it returns.</summary>
public sealed class OutputSpec : IClassFixture<FakeCommandHost>
{
    private const string Colored = "\u001b[1mcluster\u001b[0m: \u001b[32mUp\u001b[0m 3 nodes";
    private const string Plain = "cluster: Up 3 nodes\n";

    private readonly FakeCommandHost host;

    public OutputSpec(FakeCommandHost host)
    {
        this.host = host;
        host.Reset();
    }

    [Theory]
    [InlineData("3 nodes up")]
    [InlineData("3 nodes up\n")]
    public async Task Text_is_printed_with_one_final_newline_and_exit_code_0(string text)
    {
        host.Answer = _ => CannedReply.Ok(text, new { up = 3 });

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        result.ExitCode.ShouldBe(0);
        TactlRun.Lf(result.Out).ShouldBe("3 nodes up\n");
        result.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Json_prints_the_data_indented_instead_of_the_text()
    {
        var data = JsonDocument.Parse("""
            {"members":[{"address":"akka.tcp://taskaffinity@10.0.0.1:4053","roles":["scheduler","worker"],"status":"Up","reachable":true},
            {"address":"akka.tcp://taskaffinity@10.0.0.2:4053","roles":[],"status":"Leaving","reachable":false}],
            "note":"n1/0 \u2192 n2/1 <moved> & \"done\"\u001b[0m","ratio":0.75,"none":null}
            """).RootElement;
        host.Answer = _ => CannedReply.Ok("not this", data);

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show", "--json"]);

        result.ExitCode.ShouldBe(0);
        TactlRun.Lf(result.Out).ShouldBe(TactlRun.Expected("json-data.txt"));
    }

    [Fact]
    public async Task Json_without_data_prints_null()
    {
        host.Answer = _ => new CannedReply(200, """{"ok":true,"text":"left"}""");

        var result = await TactlRun.RunAsync([host.Address, "cluster", "leave", "n2", "--json"]);

        result.ExitCode.ShouldBe(0);
        TactlRun.Lf(result.Out).ShouldBe("null\n");
    }

    [Theory]
    [InlineData(false, new string[0], true)]
    [InlineData(false, new[] { "--no-color" }, false)]
    [InlineData(true, new string[0], false)]
    [InlineData(true, new[] { "--color" }, true)]
    [InlineData(true, new[] { "--color", "--no-color" }, false)]
    public async Task Colour_escapes_are_kept_on_a_terminal_and_stripped_when_redirected_or_asked(bool redirected, string[] flags, bool kept)
    {
        host.Answer = _ => CannedReply.Ok(Colored);

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show", .. flags], outRedirected: redirected);

        TactlRun.Lf(result.Out).ShouldBe(kept ? Colored + "\n" : Plain);
    }

    [Fact]
    public async Task A_refusal_prints_the_error_and_usage_to_stderr_and_exits_1()
    {
        var usage = TactlRun.Expected("error-usage.txt").Split('\n', 2)[1];
        host.Answer = _ => CannedReply.Refused(400, "unknown command 'shw' in palette 'cluster'", usage);

        var result = await TactlRun.RunAsync([host.Address, "cluster", "shw"]);

        result.ExitCode.ShouldBe(1);
        result.Out.ShouldBeEmpty();
        TactlRun.Lf(result.Error).ShouldBe(TactlRun.Expected("error-usage.txt"));
    }

    [Fact]
    public async Task A_refusal_without_usage_is_one_line()
    {
        host.Answer = _ => CannedReply.Refused(401, "missing or bad token", usage: null);

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        result.ExitCode.ShouldBe(1);
        TactlRun.Lf(result.Error).ShouldBe("tactl: missing or bad token\n");
    }

    [Fact]
    public async Task A_body_that_is_not_json_shows_the_status_and_the_first_200_characters_and_exits_3()
    {
        var page = "<html><body>Bad gateway\n" + new string('x', 300) + "</body></html>";
        host.Answer = _ => new CannedReply(500, page, "text/html");

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        result.ExitCode.ShouldBe(3);
        var start = page[..200].Replace('\n', ' ');
        TactlRun.Lf(result.Error).ShouldBe($"tactl: {host.Address} answered 500 Internal Server Error: {start}...\n");
    }

    [Fact]
    public async Task An_empty_error_body_is_named_as_such()
    {
        host.Answer = _ => new CannedReply(502, "", "text/plain");

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        result.ExitCode.ShouldBe(3);
        TactlRun.Lf(result.Error).ShouldBe($"tactl: {host.Address} answered 502 Bad Gateway with an empty body\n");
    }

    [Fact]
    public async Task A_successful_status_with_a_foreign_body_is_not_taken_for_an_answer()
    {
        host.Answer = _ => new CannedReply(200, """{"status":"fine"}""");

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show"]);

        result.ExitCode.ShouldBe(3);
        result.Error.ShouldContain("answered 200 OK with something that is not a command reply");
    }

    [Fact]
    public async Task A_closed_port_is_one_line_naming_the_address_and_exit_code_3()
    {
        var address = $"127.0.0.1:{TactlRun.ClosedPort()}";

        var result = await TactlRun.RunAsync([address, "cluster", "show"]);

        result.ExitCode.ShouldBe(3);
        TactlRun.Lf(result.Error).ShouldBe($"tactl: cannot reach {address}: Connection refused\n");
    }

    [Fact]
    public async Task A_slow_node_times_out_after_the_given_seconds_with_exit_code_3()
    {
        host.Answer = _ => CannedReply.Ok("late") with { Delay = TimeSpan.FromSeconds(20) };
        var clock = Stopwatch.StartNew();

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show", "--timeout", "0.3"]);

        result.ExitCode.ShouldBe(3);
        TactlRun.Lf(result.Error).ShouldBe($"tactl: no answer from {host.Address} within 0.3 s\n");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("--timeout", "abc")]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "-5")]
    [InlineData("--timeout=1e400", null)]
    public async Task A_bad_timeout_is_a_usage_error_and_nothing_is_sent(string flag, string? value)
    {
        string[] flags = value is null ? [flag] : [flag, value];

        var result = await TactlRun.RunAsync([host.Address, "cluster", "show", .. flags]);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldStartWith("tactl: --timeout takes a number of seconds");
        host.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_option_missing_its_value_is_a_usage_error()
    {
        var result = await TactlRun.RunAsync([host.Address, "cluster", "show", "--token"]);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("--token");
        host.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Help_alone_is_tactls_own_and_sends_nothing()
    {
        var result = await TactlRun.RunAsync([host.Address, "--help"]);

        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("--timeout <SECONDS>");
        result.Out.ShouldContain("tactl help");
        host.Requests.ShouldBeEmpty();
    }
}
