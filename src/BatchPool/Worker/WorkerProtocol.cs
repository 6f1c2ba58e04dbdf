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

    /// <summary>Set by a remote backend's job script: the machine has no .NET runtime of the client's major.minor.</summary>
    public const int RuntimeMissing = 6;

    /// <summary>Not an exit code: the <c>serve</c> worker's notice that it starts the oldest job it was sent.</summary>
    public const int JobStarted = -1;

    private const string StorageOption = "--storage";
    private const string FolderOption = "--folder";
    private const string CallOption = "--call";

    public static IReadOnlyList<string> RunArguments(string storageLocator, string folder, string callName) =>
        [RunCommand, StorageOption, storageLocator, FolderOption, folder, CallOption, callName];

    public static IReadOnlyList<string> ServeArguments(string storageLocator, string folder) =>
        [ServeCommand, StorageOption, storageLocator, FolderOption, folder];

    /// <summary>The call a <c>run</c> command names, or null.</summary>
    public static string? CallNameOf(IReadOnlyList<string> runArguments) => OptionsOf(runArguments).GetValueOrDefault(CallOption);

    /// <summary>The executor a <c>serve</c> command names, or null when it names none.</summary>
    public static (string StorageLocator, string Folder)? ParseServe(IReadOnlyList<string> arguments)
    {
        var options = OptionsOf(arguments);
        return options.TryGetValue(StorageOption, out var storage) && options.TryGetValue(FolderOption, out var folder)
            ? (storage, folder)
            : null;
    }

    public static (string StorageLocator, string Folder, string CallName) ParseRun(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments[0] != RunCommand)
        {
            throw new ArgumentException($"expected '{RunCommand}', got '{string.Join(' ', arguments)}'");
        }
        var options = OptionsOf(arguments);
        if (options.Keys.FirstOrDefault(o => o is not (StorageOption or FolderOption or CallOption)) is { } unknown)
        {
            throw new ArgumentException($"unknown option '{unknown}'");
        }
        return (options.GetValueOrDefault(StorageOption) ?? throw new ArgumentException($"{StorageOption} is missing"),
                options.GetValueOrDefault(FolderOption) ?? throw new ArgumentException($"{FolderOption} is missing"),
                options.GetValueOrDefault(CallOption) ?? throw new ArgumentException($"{CallOption} is missing"));
    }

    /// <summary>The <c>--name value</c> pairs after the command word.</summary>
    private static Dictionary<string, string> OptionsOf(IReadOnlyList<string> arguments)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < arguments.Count; i += 2)
        {
            options[arguments[i]] = arguments[i + 1];
        }
        return options;
    }
}
