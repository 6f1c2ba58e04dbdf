namespace BatchPool.Worker;

/// <summary>
/// The command line of the worker, shared by the client (which builds it) and the worker (which reads it).
/// <c>run --storage LOCATOR --folder FOLDER --call CALL</c> runs one job and exits with its code; the secret comes from
/// the <see cref="SecretVariable"/> environment variable. With several <c>--call</c>s and <c>--status PREFIX</c> it runs
/// the jobs one after another (a backend's packed task) and records each one's start and exit code in files beside
/// PREFIX (<see cref="JobStatusFiles"/>), skipping a job whose cancel file exists. <c>serve [--spare]</c> reads a hello
/// (the executor's secret, storage and folder; a spare worker, started before its executor, warms up while it waits for
/// it), says it is up, then reads jobs (the words of a <c>run</c> command, and the input when the client sends it along)
/// from standard input and answers each on standard output, in <see cref="WorkerFrames"/>; it exits when standard input
/// closes. A <c>recycle</c> request, after its executor's last job, makes it forget that executor (its key, and its
/// shipped code, unloaded) and say <see cref="Recycled"/>, then wait for the next executor's hello; a worker that cannot
/// forget its executor entirely exits instead.
/// </summary>
internal static class WorkerProtocol
{
    public const string RunCommand = "run";
    public const string ServeCommand = "serve";
    public const string CancelCommand = "cancel";
    public const string RecycleCommand = "recycle";
    public const string SecretVariable = "BATCHPOOL_SECRET";

    /// <summary>Exit codes of a job; 0 also covers calls that threw, whose exceptions are in the output.</summary>
    public const int Succeeded = 0;
    public const int BadArguments = 2;
    public const int InputRefused = 3;
    public const int OutputNotWritten = 4;
    public const int CancelledBeforeStart = 5;

    /// <summary>Set by a remote backend's job script: the machine has no .NET runtime of the client's major.minor.</summary>
    public const int RuntimeMissing = 6;

    /// <summary>
    /// The worker gave up: its client's lease went stale (<see cref="FateSharing.ClientLease"/>), so its client (and its
    /// machine, perhaps) is gone. Lost to the infrastructure for a client that reads it after all.
    /// </summary>
    /// <remarks>75, sysexits' EX_TEMPFAIL ("try again later"): a code a function's own <c>Environment.Exit</c> seldom uses.</remarks>
    public const int ClientGone = 75;

    /// <summary>Not an exit code: the <c>serve</c> worker's notice that it starts the oldest job it was sent.</summary>
    public const int JobStarted = -1;

    /// <summary>Not an exit code: the <c>serve</c> worker's notice, once, after its hello, that it is up and takes jobs.</summary>
    public const int Ready = -2;

    /// <summary>
    /// Not an exit code: the <c>serve</c> worker's answer to <see cref="RecycleCommand"/>: it forgot its executor and
    /// waits for another's hello. The lowest notice: a reply below it is not one (<see cref="WorkerFrames.ReadReply"/>).
    /// </summary>
    public const int Recycled = -3;

    /// <summary>The <c>serve</c> option of a spare worker (<see cref="ServeArguments"/>).</summary>
    public const string SpareOption = "--spare";

    private const string StorageOption = "--storage";
    private const string FolderOption = "--folder";
    private const string CallOption = "--call";
    /// <summary>The option with which a packed run gets its status files' prefix (<see cref="PackedRunArguments"/>).</summary>
    public const string StatusOption = "--status";

    // An array, not a collection expression: typed as IReadOnlyList, that would wrap the array in one more object per job.
    public static IReadOnlyList<string> RunArguments(string storageLocator, string folder, string callName) =>
        new[] { RunCommand, StorageOption, storageLocator, FolderOption, folder, CallOption, callName };

    /// <summary>
    /// <c>serve</c>; with <paramref name="spare"/>, <c>serve --spare</c>: a worker started before its executor exists,
    /// which compiles the codec's paths while it waits for its hello.
    /// </summary>
    public static IReadOnlyList<string> ServeArguments(bool spare) => spare ? [ServeCommand, SpareOption] : [ServeCommand];

    /// <summary>The <c>serve</c> option that names an executor whose lease to watch from the start: <c>--lease LOCATOR FOLDER</c>.</summary>
    public const string LeaseOption = "--lease";

    /// <summary>
    /// <c>serve --lease LOCATOR FOLDER</c>: a worker that idles for one executor without a hello (a Docker slot's
    /// container) and gives up when that executor's client lease goes stale.
    /// </summary>
    public static IReadOnlyList<string> ServeArgumentsWatching(string storageLocator, string folder) => [ServeCommand, LeaseOption, storageLocator, folder];

    /// <summary>The executor a <c>serve</c> command line names with <see cref="LeaseOption"/>; null when none.</summary>
    public static (string StorageLocator, string Folder)? LeaseOf(IReadOnlyList<string> serveArguments)
    {
        for (var i = 1; i + 2 < serveArguments.Count; i++)
        {
            if (serveArguments[i] == LeaseOption)
            {
                return (serveArguments[i + 1], serveArguments[i + 2]);
            }
        }
        return null;
    }

    /// <summary>Whether a <c>serve</c> command line is a spare worker's.</summary>
    public static bool IsSpare(IReadOnlyList<string> serveArguments)
    {
        // A loop, not LINQ's Contains: compiled at each worker's start otherwise.
        for (var i = 1; i < serveArguments.Count; i++)
        {
            if (serveArguments[i] == SpareOption)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// One <c>run</c> command for the jobs of several single-job <c>run</c> commands of one executor, to run one after
    /// another; whoever starts it appends <see cref="StatusOption"/> and a prefix, where the jobs record their starts and exit codes
    /// (<see cref="JobStatusFiles"/>).
    /// </summary>
    public static IReadOnlyList<string> PackedRunArguments(IEnumerable<IReadOnlyList<string>> runs)
    {
        var parsed = runs.Select(ParseRun).ToList();
        if (parsed.Count == 0 || parsed.Any(r => r.StorageLocator != parsed[0].StorageLocator || r.Folder != parsed[0].Folder || r.StatusPrefix is not null))
        {
            throw new ArgumentException("only single jobs of one executor can be packed", nameof(runs));
        }
        List<string> arguments = [RunCommand, StorageOption, parsed[0].StorageLocator, FolderOption, parsed[0].Folder];
        foreach (var call in parsed.SelectMany(r => r.Calls))
        {
            arguments.Add(CallOption);
            arguments.Add(call);
        }
        return arguments;
    }

    /// <summary>The files through which a packed task's job <paramref name="index"/> says it started and how it ended, and is told to skip.</summary>
    public static (string Started, string Exited, string Cancelled) JobStatusFiles(string statusPrefix, int index) =>
        ($"{statusPrefix}.{index}.start", $"{statusPrefix}.{index}.exit", $"{statusPrefix}.{index}.cancel");

    /// <summary>The call a <c>run</c> command names (its first), or null.</summary>
    public static string? CallNameOf(IReadOnlyList<string> runArguments)
    {
        // Asked for every job the local backend sends and every job a worker serves: a plain scan.
        for (var i = 1; i + 1 < runArguments.Count; i += 2)
        {
            if (runArguments[i] == CallOption)
            {
                return runArguments[i + 1];
            }
        }
        return null;
    }


    public static RunRequest ParseRun(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments[0] != RunCommand)
        {
            throw new ArgumentException($"expected '{RunCommand}', got '{string.Join(' ', arguments)}'");
        }
        // Parsed for every job a worker runs: one pass, the last of a repeated single-valued option counting.
        string? storage = null, folder = null, status = null;
        var calls = new List<string>(1);
        for (var i = 1; i + 1 < arguments.Count; i += 2)
        {
            var value = arguments[i + 1];
            switch (arguments[i])
            {
                case StorageOption:
                    storage = value;
                    break;
                case FolderOption:
                    folder = value;
                    break;
                case CallOption:
                    calls.Add(value);
                    break;
                case StatusOption:
                    status = value;
                    break;
                case var unknown:
                    throw new ArgumentException($"unknown option '{unknown}'");
            }
        }
        if (calls.Count == 0)
        {
            throw new ArgumentException($"{CallOption} is missing");
        }
        if (calls.Count > 1 && status is null)
        {
            throw new ArgumentException($"several calls need {StatusOption}");
        }
        return new RunRequest(
            storage ?? throw new ArgumentException($"{StorageOption} is missing"),
            folder ?? throw new ArgumentException($"{FolderOption} is missing"),
            calls,
            status);
    }
}

/// <summary>A parsed <c>run</c> command: one job, or (with <see cref="StatusPrefix"/>) several run one after another.</summary>
internal sealed record RunRequest(string StorageLocator, string Folder, IReadOnlyList<string> Calls, string? StatusPrefix);
