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

    /// <summary>A folder of the executor's own for a backend's files (job scripts, logs).</summary>
    public string BackendFolder(string backend) => $"{Folder}{backend}/";
}
