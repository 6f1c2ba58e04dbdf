using System.Text.Json;
using BatchPool.Backends;
using BatchPool.Storage;

namespace BatchPool.Shipping;

/// <summary>
/// Copies the worker program (its entry assembly, the assemblies its <c>.deps.json</c> names, and its runtime
/// configuration) into an executor's folder in storage, for backends whose jobs run on machines that have only a .NET
/// runtime: nothing of BatchPool has to be installed there, and the worker always matches the client.
/// </summary>
internal static class WorkerShipper
{
    public static Task<string> ShipAsync(WorkerDistribution worker, IBatchStorage storage, ExecutorLayout layout, CancellationToken cancellationToken) =>
        ShipAsync(worker, storage, layout, [], cancellationToken);

    /// <summary>Ships the worker with <paramref name="extraFiles"/> beside it (a store package the worker opens before anything else).</summary>
    public static async Task<string> ShipAsync(WorkerDistribution worker, IBatchStorage storage, ExecutorLayout layout, IReadOnlyList<string> extraFiles, CancellationToken cancellationToken)
    {
        foreach (var file in FilesOf(worker).Concat(extraFiles).Distinct(StringComparer.Ordinal))
        {
            var key = layout.WorkerFileOf(Path.GetFileName(file));
            await storage.WriteFileAsync(key, file, cancellationToken).ConfigureAwait(false);
        }
        return layout.WorkerFileOf(WorkerDistribution.EntryAssemblyName);
    }

    /// <summary>
    /// The files of a bucket store's package and of what it references (the cloud's client library), but the shared
    /// framework and BatchPool itself: what a worker needs beside it to open that store. None for a folder.
    /// </summary>
    internal static IReadOnlyList<string> StoreFilesOf(IBatchStorage storage)
    {
        if (storage is FileSystemStorage)
        {
            return [];
        }
        var core = typeof(IBatchStorage).Assembly;
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.Assembly>();
        pending.Push(storage.GetType().Assembly);
        while (pending.TryPop(out var assembly))
        {
            if (assembly == core || Codec.AssemblyKind.IsSharedFramework(assembly) || !seen.Add(assembly.GetName().Name!) || string.IsNullOrEmpty(assembly.Location))
            {
                continue;
            }
            files.Add(assembly.Location);
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                try
                {
                    pending.Push(System.Reflection.Assembly.Load(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // A reference the store never uses here (a platform's optional dependency): nothing to ship.
                }
            }
        }
        return [.. files];
    }

    /// <summary>The worker's files: its runtime assets as its dependency manifest lists them, their symbols, and its configuration.</summary>
    internal static IReadOnlyList<string> FilesOf(WorkerDistribution worker)
    {
        var entry = worker.EntryAssemblyPath;
        var depsPath = Path.ChangeExtension(entry, ".deps.json");
        var configPath = Path.ChangeExtension(entry, ".runtimeconfig.json");
        var files = new SortedSet<string>(StringComparer.Ordinal) { entry, depsPath, configPath };
        using (var deps = JsonDocument.Parse(File.ReadAllBytes(depsPath)))
        {
            foreach (var target in deps.RootElement.GetProperty("targets").EnumerateObject())
            {
                foreach (var library in target.Value.EnumerateObject())
                {
                    if (library.Value.TryGetProperty("runtime", out var runtime))
                    {
                        foreach (var asset in runtime.EnumerateObject())
                        {
                            // The application's folder holds every runtime asset flat, by its file name; but an app on a
                            // larger shared framework (ASP.NET Core's) takes some from that framework instead: those are
                            // shipped from where this process has them.
                            var name = Path.GetFileName(asset.Name);
                            var local = Path.Combine(worker.Folder, name);
                            files.Add(!File.Exists(local) && PlatformAssembly(name) is { } platform ? platform : local);
                        }
                    }
                }
            }
        }
        foreach (var assembly in files.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).ToList())
        {
            if (Path.ChangeExtension(assembly, ".pdb") is var symbols && File.Exists(symbols))
            {
                files.Add(symbols);
            }
        }
        if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
        {
            throw new FileNotFoundException($"The BatchPool worker in {worker.Folder} is incomplete: {Path.GetFileName(missing)} is missing.", missing);
        }
        return [.. files];
    }

    /// <summary>Where this process's runtime has an assembly of the shared frameworks (or the app), by file name; null when none.</summary>
    private static string? PlatformAssembly(string fileName)
    {
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        return trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(path => string.Equals(Path.GetFileName(path), fileName, StringComparison.Ordinal) && File.Exists(path));
    }
}
