namespace TaskAffinity.Cli;

/// <summary>tactl was used wrongly; the message says how, and the command is not sent (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
