using System.Text;

namespace TaskAffinity.Cli;

/// <summary>
/// Splits an interactive line into tokens the way a POSIX shell would, so a line reads like the command
/// line it stands for: blanks separate tokens; 'single quotes' keep everything literally; "double quotes"
/// keep everything but a backslash before " \ $ or `; outside quotes a backslash keeps the next character.
/// Quoted parts join their neighbours ("a"'b'c is one token abc); "" is an empty token.
/// </summary>
internal static class Tokenizer
{
    /// <summary>Throws <see cref="UsageException"/> for a quote left open.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inToken)
                    tokens.Add(current.ToString());
                current.Clear();
                inToken = false;
                continue;
            }

            inToken = true;
            switch (c)
            {
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0)
                        throw new UsageException("unterminated ' quote");
                    current.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(line, i + 1, current);
                    break;
                // A backslash at the very end has nothing to escape and stays as it is.
                case '\\' when i + 1 < line.Length:
                    current.Append(line[++i]);
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }
        if (inToken)
            tokens.Add(current.ToString());
        return tokens;
    }

    /// <summary>Appends the double-quoted part starting at <paramref name="start"/> and returns the index of its closing quote.</summary>
    private static int ReadDoubleQuoted(string line, int start, StringBuilder current)
    {
        for (var i = start; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
                return i;
            if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
                c = line[++i];
            current.Append(c);
        }
        throw new UsageException("unterminated \" quote");
    }
}
