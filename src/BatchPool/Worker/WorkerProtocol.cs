namespace BatchPool.Worker;

/// <summary>
/// The command line of the worker, shared by the client (which builds it) and the worker (which reads it).
/// <c>run --storage LOCATOR --folder FOLDER --call CALL</c> runs one job and exits with its code; the secret comes from
/// the <see cref="SecretVariable"/> environment variable. <c>serve [--storage LOCATOR --folder FOLDER]</c> (the
/// executor it will serve, so that it can warm up for it) reads the secret, then jobs (the words of a
/// <c>run</c> command, and the input when the client sends it along) from standard input, and answers each on standard
/// output, in <see cref="WorkerFrames"/>; it exits when standard input closes.
/// </summary>
internal static class WorkerProtocol
{
    public const string RunCommand = "run";
    public const string ServeCommand = "serve";
    public const string CancelCommand = "cancel";
    public const string SecretVariable = "BATCHPOOL_SECRET";

    /// <summary>Exit codes of a job; 0 also covers calls that threw, whose exceptions are in the output.</summary>
    public const int Succeeded = 0;
    public const int BadArguments = 2;
    public const int InputRefused = 3;
    public const int OutputNotWritten = 4;
    public const int CancelledBeforeStart = 5;

    /// <summary>Not an exit code: the <c>serve</c> worker's notice that it starts the oldest job it was sent.</summary>
    public const int JobStarted = -1;

    public static IReadOnlyList<string> RunArguments(string storageLocator, string folder, string callName) =>
        [RunCommand, "--storage", storageLocator, "--folder", folder, "--call", callName];

    /// <summary>The call a <c>run</c> command names, or null.</summary>
    public static string? CallNameOf(IReadOnlyList<string> runArguments)
    {
        for (var i = 1; i + 1 < runArguments.Count; i += 2)
        {
            if (runArguments[i] == "--call")
            {
                return runArguments[i + 1];
            }
        }
        return null;
    }

    public static (string StorageLocator, string Folder, string CallName) ParseRun(IReadOnlyList<string> arguments)
    {
        string? storage = null, folder = null, call = null;
        if (arguments.Count == 0 || arguments[0] != RunCommand)
        {
            throw new ArgumentException($"expected '{RunCommand}', got '{string.Join(' ', arguments)}'");
        }
        for (var i = 1; i + 1 < arguments.Count; i += 2)
        {
            switch (arguments[i])
            {
                case "--storage": storage = arguments[i + 1]; break;
                case "--folder": folder = arguments[i + 1]; break;
                case "--call": call = arguments[i + 1]; break;
                default: throw new ArgumentException($"unknown option '{arguments[i]}'");
            }
        }
        return (storage ?? throw new ArgumentException("--storage is missing"),
                folder ?? throw new ArgumentException("--folder is missing"),
                call ?? throw new ArgumentException("--call is missing"));
    }
}
