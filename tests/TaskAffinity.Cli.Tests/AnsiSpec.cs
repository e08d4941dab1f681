using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

public sealed class AnsiSpec
{
    [Theory]
    [InlineData("\u001b[1;32mUp\u001b[0m", "Up")]
    [InlineData("\u001b[38;5;208morange\u001b[39m and \u001b[48;2;0;0;0mrgb\u001b[m", "orange and rgb")]
    [InlineData("\u001b[2K\u001b[1Gprogress", "progress")]
    [InlineData("\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007", "link")]
    [InlineData("\u001b]0;title\u001b\\text", "text")]
    [InlineData("\u001bMreverse index", "reverse index")]
    [InlineData("no escapes [1m here", "no escapes [1m here")]
    public void Strips_escape_sequences_and_keeps_the_text(string text, string expected)
    {
        Ansi.Strip(text).ShouldBe(expected);
    }
}
