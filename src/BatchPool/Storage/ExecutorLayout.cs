namespace BatchPool.Storage;

/// <summary>
/// Where an executor keeps its files in storage, as the original does:
/// <c>batch-pool-executor/{name}/</c> with <c>inputs/{call}/</c>, <c>outputs/{call}/</c> and the shipped <c>assemblies/</c>.
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
}
