namespace TaskAffinity.Cli;

/// <summary>What tactl's exit code tells a script.</summary>
internal static class ExitCodes
{
    /// <summary>The node ran the command.</summary>
    public const int Ok = 0;

    /// <summary>The node answered but refused or failed the command (ok:false).</summary>
    public const int Refused = 1;

    /// <summary>tactl was used wrongly (a bad option value, an unreadable --file); nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>No usable answer: the node could not be reached, did not answer in time, or answered something that is not a command reply.</summary>
    public const int Unreachable = 3;
}
