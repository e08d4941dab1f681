namespace TaskAffinity.Cli;

/// <summary>
/// <c>--file PATH</c> names a file on the operator's machine, which a remote node cannot open: tactl reads
/// it and sends <c>--graph</c> with the file's content in its place.
/// </summary>
internal static class GraphFile
{
    private const string FileFlag = "--file";
    private const string GraphFlag = "--graph";

    /// <summary>The tokens with every --file PATH (or --file=PATH) replaced. Throws <see cref="UsageException"/> naming a path that cannot be read.</summary>
    public static IReadOnlyList<string> Inline(IReadOnlyList<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            string path;
            if (token == FileFlag)
            {
                if (i + 1 == tokens.Count)
                    throw new UsageException("--file needs the path of a file to send");
                path = tokens[++i];
            }
            else if (token.StartsWith(FileFlag + "=", StringComparison.Ordinal))
                path = token[(FileFlag.Length + 1)..];
            else
            {
                result.Add(token);
                continue;
            }
            result.Add(GraphFlag);
            result.Add(Read(path));
        }
        return result;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"cannot read --file '{path}': no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot read --file '{path}': {e.Message}");
        }
    }
}
