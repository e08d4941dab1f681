namespace TaskAffinity.Cli;

/// <summary>
/// The interactive session: reads lines, splits them like a shell would and runs each as one command,
/// reporting errors without ending the session. exit, quit or the end of input end it with code 0.
/// The prompt is shown only when someone is typing: commands piped in get just the answers.
/// </summary>
/// <param name="runLine">Runs one line's tokens with the session's settings as defaults; returns its exit code.</param>
internal sealed class Repl(Terminal terminal, Settings session, Func<IReadOnlyList<string>, Settings, Task<int>> runLine)
{
    public async Task<int> RunAsync()
    {
        var prompt = $"tactl {session.Address?.Display}> ";
        while (true)
        {
            if (!terminal.InRedirected)
            {
                await terminal.Out.WriteAsync(prompt);
                await terminal.Out.FlushAsync();
            }
            var line = await terminal.In.ReadLineAsync();
            if (line is null)
            {
                // Ctrl+D: end the prompt's line so the shell's own prompt starts on a fresh one.
                if (!terminal.InRedirected)
                    await terminal.Out.WriteLineAsync();
                return ExitCodes.Ok;
            }

            IReadOnlyList<string> tokens;
            try
            {
                tokens = Tokenizer.Split(line);
            }
            catch (UsageException e)
            {
                await terminal.Error.WriteLineAsync($"tactl: {e.Message}");
                continue;
            }

            if (tokens.Count == 0)
                continue;
            if (tokens is ["exit" or "quit"])
                return ExitCodes.Ok;
            // The line's exit code only matters to a script, and a script runs one-shot commands.
            await runLine(tokens, session);
        }
    }
}
