using System.Runtime.InteropServices;
using BatchPool.Shipping;
using BatchPool.Storage;

namespace BatchPool.Backends;

/// <summary>The BatchPool worker program on this machine: the files a backend runs, or ships, to run jobs.</summary>
public sealed class WorkerDistribution
{
    /// <summary>The worker's entry assembly.</summary>
    public const string EntryAssemblyName = "BatchPool.Worker.dll";

    /// <summary>The environment variable that names another folder holding the worker.</summary>
    public const string FolderVariable = "BATCHPOOL_WORKER_DIR";

    private WorkerDistribution(string folder) => Folder = folder;

    /// <summary>The folder that holds <see cref="EntryAssemblyName"/>, its runtime configuration and its dependencies.</summary>
    public string Folder { get; }

    /// <summary>The full path of the worker's entry assembly.</summary>
    public string EntryAssemblyPath => Path.Combine(Folder, EntryAssemblyName);

    /// <summary>The .NET runtime the worker needs on the machines that run it: this process's major.minor version, as "10.0".</summary>
    public static string RuntimeVersion { get; } = $"{System.Environment.Version.Major}.{System.Environment.Version.Minor}";

    /// <summary>
    /// Copies the worker into the executor's folder of <paramref name="storage"/>, for backends whose jobs run where only a
    /// .NET runtime of <see cref="RuntimeVersion"/> is installed; the copy goes when the executor's folder is cleaned up.
    /// </summary>
    /// <param name="storage">The storage that the jobs reach.</param>
    /// <param name="executorName">The executor whose folder receives the worker.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>The storage key of the worker's entry assembly; run it as <c>dotnet KEY'S-PATH arguments</c>.</returns>
    public Task<string> ShipAsync(IBatchStorage storage, string executorName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return WorkerShipper.ShipAsync(this, storage, ExecutorLayout.For(executorName), cancellationToken);
    }

    /// <summary>The <c>dotnet</c> host this process runs on; the local backend starts workers with it.</summary>
    public static string DotnetHostPath { get; } = FindDotnetHost();

    /// <summary>
    /// Finds the worker: in <see cref="FolderVariable"/>'s folder when set, else beside the application (the BatchPool
    /// package, or a reference to the BatchPool.Worker project, copies it there).
    /// </summary>
    /// <exception cref="FileNotFoundException">No worker is there.</exception>
    public static WorkerDistribution Locate()
    {
        var folder = System.Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : AppContext.BaseDirectory;
        var distribution = new WorkerDistribution(folder);
        if (!File.Exists(distribution.EntryAssemblyPath))
        {
            throw new FileNotFoundException(
                $"The BatchPool worker ({EntryAssemblyName}) is not in {folder}. Reference the BatchPool package (it copies " +
                $"the worker beside the application) or the BatchPool.Worker project, or set {FolderVariable} to the folder that holds it.",
                distribution.EntryAssemblyPath);
        }
        return distribution;
    }

    private static string FindDotnetHost()
    {
        // The SDK sets DOTNET_HOST_PATH for processes it starts; otherwise the host sits three levels above the runtime
        // folder (dotnet/shared/Microsoft.NETCore.App/10.0.x/).
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromSdk && File.Exists(fromSdk))
        {
            return fromSdk;
        }
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var runtimeFolder = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var candidate = Path.GetFullPath(Path.Combine(runtimeFolder, "..", "..", "..", executable));
        if (File.Exists(candidate))
        {
            return candidate;
        }
        return System.Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : executable;
    }
}
