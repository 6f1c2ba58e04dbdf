namespace BatchPool.Cli;

/// <summary>The tool's exit codes (docs/batchpool-tool.md).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something did not work: a check of the doctor, a cancel not confirmed, a clean declined.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong.</summary>
    public const int Usage = 2;

    /// <summary>Nothing found: the folder does not exist, holds no executors, or none (or no job) of that name.</summary>
    public const int NotFound = 3;

    /// <summary>A status document cannot be read: half-written, not BatchPool's, or of a newer schema.</summary>
    public const int Unreadable = 4;

    /// <summary>The dashboard's port is taken or cannot be bound.</summary>
    public const int PortUnavailable = 5;
}

/// <summary>A failure the tool reports as one line and an exit code, never a stack trace.</summary>
internal sealed class ToolException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
