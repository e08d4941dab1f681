using Shouldly;
using Xunit;

namespace TaskAffinity.Cli.Tests;

/// <summary>Interactive lines split the way a POSIX shell would split them.</summary>
public sealed class TokenizerSpec
{
    [Theory]
    [InlineData("cluster show", new[] { "cluster", "show" })]
    [InlineData("  cluster \t show  ", new[] { "cluster", "show" })]
    [InlineData("", new string[0])]
    [InlineData("affinity show --worker \"n1/0\"", new[] { "affinity", "show", "--worker", "n1/0" })]
    [InlineData("tasks cancel \"chain 7\" 'task 3'", new[] { "tasks", "cancel", "chain 7", "task 3" })]
    [InlineData("'single keeps \\ and \" as they are'", new[] { "single keeps \\ and \" as they are" })]
    [InlineData("\"double: \\\" \\\\ \\$ \\` escaped, \\n kept\"", new[] { "double: \" \\ $ ` escaped, \\n kept" })]
    [InlineData("bare\\ space bare\\'quote", new[] { "bare space", "bare'quote" })]
    [InlineData("a\"b c\"'d e'f", new[] { "ab cd ef" })]
    [InlineData("\"\" '' x", new[] { "", "", "x" })]
    [InlineData("trailing\\", new[] { "trailing\\" })]
    [InlineData("it's\\ fine", null)]
    public void Splits_like_a_shell(string line, string[]? expected)
    {
        if (expected is null)
            Should.Throw<UsageException>(() => Tokenizer.Split(line)).Message.ShouldBe("unterminated ' quote");
        else
            Tokenizer.Split(line).ShouldBe(expected);
    }

    [Fact]
    public void An_open_double_quote_is_an_error()
    {
        Should.Throw<UsageException>(() => Tokenizer.Split("tasks cancel \"chain 7")).Message.ShouldBe("unterminated \" quote");
    }

    [Fact]
    public void An_escaped_quote_inside_double_quotes_does_not_close_them()
    {
        Should.Throw<UsageException>(() => Tokenizer.Split("\"open \\\""));
    }
}
