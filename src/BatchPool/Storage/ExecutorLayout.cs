namespace BatchPool.Storage;

/// <summary>
/// Where an executor keeps its files in storage, as the original does:
/// <c>batch-pool-executor/{name}/</c> with <c>inputs/{call}/</c>, <c>outputs/{call}/</c>, the shipped <c>assemblies/</c>, the
/// large <c>values/</c> jobs capture or take, and the
/// <c>worker/</c> for backends that run it from storage.
/// Client and worker both derive every key from here.
/// </summary>
internal sealed class ExecutorLayout(string folder)
{
    public const string RootFolder = "batch-pool-executor";

    public static ExecutorLayout For(string executorName) => new($"{RootFolder}/{executorName}/");

    /// <summary>The executor's folder, ending in '/'.</summary>
    public string Folder { get; } = folder.EndsWith('/') ? folder : folder + "/";

    public string InputOf(string callName) => $"{Folder}inputs/{callName}/input";

    public string OutputOf(string callName) => $"{Folder}outputs/{callName}/output";

    public string AssemblyOf(string sha256Hex) => $"{Folder}assemblies/{sha256Hex}.dll";

    public string SymbolsOf(string sha256Hex) => $"{Folder}assemblies/{sha256Hex}.pdb";

    /// <summary>A large value stored apart, content-addressed (see <see cref="Codec.LargeValue"/>).</summary>
    public string LargeValueOf(string sha256Hex) => $"{Folder}values/{sha256Hex}";

    public string WorkerFileOf(string fileName) => $"{Folder}worker/{fileName}";

    /// <summary>
    /// What call <paramref name="index"/> (0 for a single call; its place in a chunk) of job <paramref name="callName"/>
    /// printed, written by the worker when the call ended (nothing when it printed nothing).
    /// </summary>
    public string LogOf(string callName, int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Folder}{LogsFolderName}/{callName}.{index}.log");

    /// <summary>The tail of a job's worker log, written by the client when the worker ended badly (died, killed, cancelled).</summary>
    public string JobLogOf(string callName) => $"{Folder}{LogsFolderName}/{callName}.log";

    /// <summary>The executor's status document (<see cref="Status.ExecutorStatus"/>), rewritten by its client.</summary>
    public string StatusFile => $"{Folder}{StatusFileName}";

    /// <summary>Calls the <c>batchpool</c> tool asks the client to cancel, one call name a line (<c>*</c>: every job).</summary>
    public string CancelRequests => $"{Folder}{CancelRequestsFileName}";

    /// <summary>The client's lease (<see cref="FateSharing.ClientLease"/>), renewed by the client, read by every worker.</summary>
    public string Lease => $"{Folder}lease";

    /// <summary>The folder of the executor's logs, under its folder.</summary>
    public const string LogsFolderName = "logs";

    /// <summary>The status document's name, in the executor's folder.</summary>
    public const string StatusFileName = "status.json";

    /// <summary>The cancel requests' file name, in the executor's folder.</summary>
    public const string CancelRequestsFileName = "cancel-requests";

    /// <summary>A folder of the executor's own for a backend's files (job scripts, logs).</summary>
    public string BackendFolder(string backend) => $"{Folder}{backend}/";
}
