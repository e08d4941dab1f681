using Shouldly;
using TaskAffinity.Cluster.Admin;
using Xunit;

namespace TaskAffinity.Cluster.Tests.Admin;

public sealed class CommandParserSpec
{
    private static readonly PaletteSpec[] Palettes =
    [
        PaletteSpec.Of("chains", "task chains",
            CommandSpec.Of("show", "one chain", new ArgSpec("chain", "the chain id", Required: true)),
            CommandSpec.Of("list", "chains", new ArgSpec("limit", "at most", IsFlag: true))),
        PaletteSpec.Of("tasks", "tasks",
            CommandSpec.Of("submit", "submit", new ArgSpec("input", "KEY:BYTES", IsFlag: true, Repeats: true), new ArgSpec("wait", "wait", IsFlag: true, IsSwitch: true))),
    ];

    private static (ParsedCommand? Command, CommandError? Error) Parse(params string[] tokens) => CommandParser.Parse(tokens, Palettes);

    [Fact]
    public void A_well_formed_line_binds_positionals_flags_switches_and_repeats()
    {
        Parse("chains", "show", "c-1").Command!.Get("chain").ShouldBe("c-1");
        Parse("chains", "list", "--limit", "5").Command!.Get("limit").ShouldBe("5");
        var submit = Parse("tasks", "submit", "--input", "a:1", "--wait", "--input", "b:2").Command!;
        submit.All("input").ShouldBe(["a:1", "b:2"]);
        submit.Has("wait").ShouldBeTrue();
    }

    [Fact]
    public void An_unknown_palette_is_named_with_the_palettes_there_are_and_the_general_usage()
    {
        var error = Parse("nope", "show").Error!;
        error.Error.ShouldBe("unknown palette 'nope'; palettes: chains, tasks");
        error.Usage.ShouldBe(CommandParser.GeneralUsage);
    }

    [Fact]
    public void An_unknown_or_missing_command_gets_the_palettes_usage()
    {
        var unknown = Parse("chains", "explode").Error!;
        unknown.Error.ShouldBe("unknown command 'explode' in palette 'chains'; commands: show, list");
        unknown.Usage.ShouldContain("tactl [host:port] chains show <chain>");
        Parse("chains").Error!.Error.ShouldBe("no command given for palette 'chains'");
        Parse().Error!.Error.ShouldBe("no palette given");
    }

    [Fact]
    public void Missing_arguments_unknown_options_values_and_extra_arguments_are_named_with_the_commands_usage()
    {
        var missing = Parse("chains", "show").Error!;
        missing.Error.ShouldBe("missing argument chain: the chain id");
        missing.Usage.ShouldBe("usage: tactl [host:port] chains show <chain>");
        Parse("chains", "list", "--limit").Error!.Error.ShouldBe("option --limit needs a value");
        Parse("chains", "list", "--colour", "red").Error!.Error.ShouldBe("unknown option '--colour' for 'chains list'");
        Parse("chains", "show", "a", "b").Error!.Error.ShouldBe("unexpected argument 'b'");
    }

    [Fact]
    public void Echoed_input_is_cut_short_so_a_huge_token_does_not_come_back_whole()
    {
        var huge = new string('x', 100_000);
        var error = Parse(huge).Error!;
        error.Error.Length.ShouldBeLessThan(200);
        error.Error.ShouldContain("…");
    }

    [Fact]
    public void A_palette_with_a_default_command_runs_it_when_named_alone()
    {
        PaletteSpec[] palettes = [PaletteSpec.Of("heatmap", "heat", CommandSpec.Of("show", "hosts × resources", new ArgSpec("wide", "", IsFlag: true, IsSwitch: true))) with { DefaultCommand = "show" }];
        CommandParser.Parse(["heatmap"], palettes).Command!.Command.ShouldBe("show");
        CommandParser.Parse(["heatmap", "--wide"], palettes).Command!.Has("wide").ShouldBeTrue();
        CommandParser.Parse(["heatmap", "show"], palettes).Command!.Command.ShouldBe("show");
    }

    [Fact]
    public void Help_lists_every_palette()
    {
        var help = CommandParser.Help(Palettes);
        help.ShouldContain("chains");
        help.ShouldContain("tasks");
        help.ShouldContain(CommandParser.GeneralUsage);
    }
}
