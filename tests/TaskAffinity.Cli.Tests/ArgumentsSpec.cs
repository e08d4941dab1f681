using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>How a command line is taken apart into an address, tactl's settings and the node's tokens.</summary>
public sealed class ArgumentsSpec
{
    private static readonly Settings Defaults = Settings.FromEnvironment(_ => null);

    private static ParsedLine Parse(params string[] tokens) => Arguments.Parse(tokens, Defaults, new CliOptions());

    [Theory]
    [InlineData("127.0.0.1:9110", "http://127.0.0.1:9110/cmd")]
    [InlineData("node1:9110", "http://node1:9110/cmd")]
    [InlineData("node-1.cluster.local:80", "http://node-1.cluster.local/cmd")]
    [InlineData("[::1]:9110", "http://[::1]:9110/cmd")]
    [InlineData("http://node1:9110", "http://node1:9110/cmd")]
    [InlineData("https://ops.example.com/taskaffinity/", "https://ops.example.com/taskaffinity/cmd")]
    public void A_first_token_shaped_like_an_address_is_the_address(string token, string commandUri)
    {
        var line = Parse(token, "cluster", "show");

        line.Settings.Address.ShouldNotBeNull().CommandUri.ShouldBe(new Uri(commandUri));
        line.Settings.Address.Display.ShouldBe(token.TrimEnd('/'));
        line.Forwarded.ShouldBe(["cluster", "show"]);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("tasks:submit")]
    [InlineData("a:b:9110")]
    [InlineData("help")]
    public void Any_other_first_token_is_the_palette(string token)
    {
        var line = Parse(token, "show");

        line.Settings.Address.ShouldBeNull();
        line.Forwarded.ShouldBe([token, "show"]);
    }

    [Fact]
    public void Only_the_first_token_can_be_an_address()
    {
        Parse("cluster", "down", "10.0.0.2:4053").Forwarded.ShouldBe(["cluster", "down", "10.0.0.2:4053"]);
    }

    [Fact]
    public void A_port_out_of_range_is_a_usage_error()
    {
        Should.Throw<UsageException>(() => Parse("node1:70000", "cluster")).Message.ShouldContain("ports run from 1 to 65535");
    }

    [Fact]
    public void The_default_address_is_TACTL_ADDRESS_or_127_0_0_1_9110()
    {
        Settings.AddressFromEnvironment(_ => null).CommandUri.ShouldBe(new Uri("http://127.0.0.1:9110/cmd"));
        Settings.AddressFromEnvironment(name => name == "TACTL_ADDRESS" ? "node7:9200" : null).CommandUri.ShouldBe(new Uri("http://node7:9200/cmd"));
        Should.Throw<UsageException>(() => Settings.AddressFromEnvironment(_ => "node7")).Message.ShouldContain("TACTL_ADDRESS is 'node7'");
    }

    [Fact]
    public void Own_options_set_the_settings_and_the_default_timeout_is_30_seconds()
    {
        Parse("cluster", "show").Settings.ShouldBe(Defaults with { Timeout = TimeSpan.FromSeconds(30) });

        var settings = Parse("--json", "cluster", "--timeout", "2.5", "show", "--token", "t", "--no-color").Settings;

        settings.Json.ShouldBeTrue();
        settings.Timeout.ShouldBe(TimeSpan.FromSeconds(2.5));
        settings.Token.ShouldBe("t");
        settings.Color.ShouldBe(ColorChoice.Never);
    }

    [Fact]
    public void A_repeated_option_takes_its_last_value()
    {
        Parse("--timeout", "5", "cluster", "--timeout", "7").Settings.Timeout.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Interactive_lines_start_from_the_sessions_settings()
    {
        var session = Defaults with { Address = NodeAddress.Parse("node1:9110"), Token = "s", Json = true };

        var line = Arguments.Parse(["tasks", "list", "--timeout", "3"], session, new CliOptions());

        line.Settings.ShouldBe(session with { Timeout = TimeSpan.FromSeconds(3) });
    }

    [Theory]
    [InlineData(new[] { "--help" }, true)]
    [InlineData(new[] { "-h" }, true)]
    [InlineData(new[] { "node1:9110", "-?" }, true)]
    [InlineData(new[] { "cluster", "--help" }, false)]
    public void Help_alone_is_tactls_and_after_a_palette_the_nodes(string[] tokens, bool wantsHelp)
    {
        Parse(tokens).WantsHelp.ShouldBe(wantsHelp);
    }
}
