using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>The interactive session: a line is a command, errors do not end the session, exit/quit/EOF do.</summary>
public sealed class ReplSpec : IClassFixture<FakeCommandHost>
{
    private readonly FakeCommandHost host;

    public ReplSpec(FakeCommandHost host)
    {
        this.host = host;
        host.Reset();
        host.Answer = request => request.Args switch
        {
            ["cluster", "show"] => CannedReply.Ok("3 nodes up"),
            ["affinity", "show", ..] => CannedReply.Ok("worker n1/0: View 0.82\n"),
            ["tasks", "list"] => CannedReply.Ok("2 tasks", new { tasks = 2 }),
            _ => CannedReply.Refused(400, $"unknown palette '{request.Args.FirstOrDefault()}'", "usage: tactl [host:port] <palette> <command> ..."),
        };
    }

    private IEnumerable<IReadOnlyList<string>> SentArgs() => host.Requests.Select(r => r.Args);

    [Fact]
    public async Task Each_line_runs_as_one_command_with_shell_quoting_until_exit()
    {
        var input = "cluster show\n\n   \naffinity show --worker \"n1/0\" --type 'View task'\n--json tasks list\nbogus\ncluster show\nexit\ncluster show\n";

        var result = await TactlRun.RunAsync([host.Address], input: input);

        result.ExitCode.ShouldBe(0);
        SentArgs().ShouldBe([
            ["cluster", "show"],
            ["affinity", "show", "--worker", "n1/0", "--type", "View task"],
            ["tasks", "list"],
            ["bogus"],
            ["cluster", "show"],
        ]);
        TactlRun.Lf(result.Out).ShouldBe(TactlRun.Expected("repl-session.txt", new Dictionary<string, string> { ["address"] = host.Address }).TrimEnd('\n'));
        TactlRun.Lf(result.Error).ShouldBe("tactl: unknown palette 'bogus'\nusage: tactl [host:port] <palette> <command> ...\n");
    }

    [Fact]
    public async Task A_line_that_fails_locally_or_at_the_node_does_not_end_the_session()
    {
        var input = "cluster show \"unterminated\n--timeout abc cluster show\ntasks submit --file /no/such/graph.json\nbogus\ncluster show\n";

        var result = await TactlRun.RunAsync([host.Address], input: input, inRedirected: true);

        result.ExitCode.ShouldBe(0);
        SentArgs().ShouldBe([["bogus"], ["cluster", "show"]]);
        var errors = TactlRun.Lf(result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errors[0].ShouldBe("tactl: unterminated \" quote");
        errors[1].ShouldStartWith("tactl: --timeout takes");
        errors[2].ShouldBe("tactl: cannot read --file '/no/such/graph.json': no such file");
        errors[3].ShouldBe("tactl: unknown palette 'bogus'");
        TactlRun.Lf(result.Out).ShouldBe("3 nodes up\n");
    }

    [Fact]
    public async Task An_unreachable_node_is_reported_per_line_and_the_session_goes_on()
    {
        var address = $"127.0.0.1:{TactlRun.ClosedPort()}";

        var result = await TactlRun.RunAsync([address], input: "cluster show\ncluster show\nquit\n", inRedirected: true);

        result.ExitCode.ShouldBe(0);
        TactlRun.Lf(result.Error).ShouldBe($"tactl: cannot reach {address}: Connection refused\ntactl: cannot reach {address}: Connection refused\n");
    }

    [Fact]
    public async Task End_of_input_ends_the_session_with_code_0()
    {
        var result = await TactlRun.RunAsync([host.Address], input: "cluster show");

        result.ExitCode.ShouldBe(0);
        SentArgs().ShouldBe([["cluster", "show"]]);
        TactlRun.Lf(result.Out).ShouldBe($"tactl {host.Address}> 3 nodes up\ntactl {host.Address}> \n");
    }

    [Fact]
    public async Task Help_is_sent_to_the_node()
    {
        host.Answer = _ => CannedReply.Ok("palettes: cluster, tasks, affinity");

        var result = await TactlRun.RunAsync([host.Address], input: "help\n", inRedirected: true);

        SentArgs().ShouldBe([["help"]]);
        TactlRun.Lf(result.Out).ShouldBe("palettes: cluster, tasks, affinity\n");
    }

    [Fact]
    public async Task Options_given_with_the_session_apply_to_every_line()
    {
        var env = new Dictionary<string, string> { ["TACTL_ADDRESS"] = host.Address };

        var result = await TactlRun.RunAsync(["--token", "t0k", "--json"], env, input: "tasks list\ntasks list --token other\n", inRedirected: true);

        result.ExitCode.ShouldBe(0);
        host.Requests.Select(r => r.Authorization).ShouldBe(["Bearer t0k", "Bearer other"]);
        TactlRun.Lf(result.Out).ShouldBe("{\n  \"tasks\": 2\n}\n{\n  \"tasks\": 2\n}\n");
    }

    [Fact]
    public async Task The_prompt_names_the_default_address_when_none_is_given()
    {
        var result = await TactlRun.RunAsync([], input: "quit\n");

        result.ExitCode.ShouldBe(0);
        result.Out.ShouldBe("tactl 127.0.0.1:9110> ");
    }
}
