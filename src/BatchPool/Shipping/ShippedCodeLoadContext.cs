using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using BatchPool.Codec;
using BatchPool.Storage;

namespace BatchPool.Shipping;

/// <summary>
/// The worker's load context for shipped user code: it loads an assembly named in a job's manifest from storage, after
/// checking the file's SHA-256 against the (authenticated) manifest, and leaves everything else (the framework, BatchPool)
/// to the default context so that both sides share those types. Collectible in a worker that serves one executor after
/// another, which unloads each executor's code before serving the next.
/// </summary>
internal sealed class ShippedCodeLoadContext(IBatchStorage storage, ExecutorLayout layout, bool collectible)
    : AssemblyLoadContext("BatchPool shipped code", collectible), IShippedAssemblies
{
    private readonly ConcurrentDictionary<string, ShippedAssembly> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _loading = new();

    /// <summary>Unloads the context (<see cref="AssemblyLoadContext.Unload"/>) once nothing refers to its code.</summary>
    /// <remarks>
    /// Its own references to the assemblies it loaded go first, and its type resolver: from the moment it is unloading, the
    /// runtime holds the context strongly until those assemblies are collected, which they would never be while the
    /// context refers to them.
    /// </remarks>
    public void UnloadWhenUnused()
    {
        lock (_loading)
        {
            _loaded.Clear();
        }
        TypeResolver.Forget(this);
        Unload();
    }

    /// <summary>Adds a job's manifest entries; one name may never stand for two different files.</summary>
    public void Add(IEnumerable<ShippedAssembly> entries)
    {
        foreach (var entry in entries)
        {
            var known = _entries.GetOrAdd(entry.Name, entry);
            if (known.Sha256 != entry.Sha256)
            {
                throw new InvalidOperationException(
                    $"Two builds of assembly {entry.Name} were shipped to one worker ({known.Sha256[..12]} and {entry.Sha256[..12]}); " +
                    "an executor's jobs must all come from one build of the program.");
            }
        }
    }

    /// <summary>
    /// Loads a shipped assembly the codec names, straight into this context. Through <see cref="Load"/> the runtime would
    /// check the name it returns with a culture-aware comparison, whose first use costs a fresh worker ICU's collator;
    /// once loaded here, the runtime finds the assembly among this context's own without asking <see cref="Load"/>.
    /// </summary>
    public Assembly? TryLoadShipped(string simpleName) =>
        _entries.TryGetValue(simpleName, out var entry) ? LoadOnce(entry) : null;

    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && _entries.TryGetValue(name, out var entry) ? LoadOnce(entry) : null;

    private Assembly LoadOnce(ShippedAssembly entry)
    {
        lock (_loading)
        {
            if (!_loaded.TryGetValue(entry.Name, out var assembly))
            {
                assembly = LoadEntry(entry);
                _loaded.Add(entry.Name, assembly);
            }
            return assembly;
        }
    }

    private Assembly LoadEntry(ShippedAssembly entry)
    {
        using var assembly = new MemoryStream(Fetch(layout.AssemblyOf(entry.Sha256), entry.Sha256, entry.Name, ".dll"));
        if (entry.SymbolsSha256 is not { } symbolsSha256)
        {
            return LoadFromStream(assembly);
        }
        using var symbols = new MemoryStream(Fetch(layout.SymbolsOf(symbolsSha256), symbolsSha256, entry.Name, ".pdb"));
        return LoadFromStream(assembly, symbols);
    }

    /// <summary>
    /// Reads a shipped file and checks it is the one the (authenticated) manifest names. With a bucket, the worker's own
    /// folder is looked at first: a worker that runs from the program's folder (the local backend's; a Docker container's,
    /// which mounts that folder) finds the same file there, and the bucket is spared a request per file and job (a folder's
    /// copy is as near as that one).
    /// </summary>
    private byte[] Fetch(string key, string sha256, string name, string extension)
    {
        if (storage is not FileSystemStorage && SameFileBesideWorker(name + extension, sha256) is { } local)
        {
            return local;
        }
        var bytes = storage.ReadAsync(key).AsTask().GetAwaiter().GetResult()
            ?? throw new FileNotFoundException($"Shipped file {key} of assembly {name} is missing from {storage.Locator}; was the executor's folder deleted while jobs ran?", key);
        if (Sha256Hex.Of(bytes) != sha256)
        {
            throw new InvalidDataException(
                $"Shipped file {key} of assembly {name} in {storage.Locator} does not match the hash its job was submitted with; refusing to load it.");
        }
        return bytes;
    }

    /// <summary>The file <paramref name="fileName"/> beside the worker's assembly, when it is there with this SHA-256; else null.</summary>
    private static byte[]? SameFileBesideWorker(string fileName, string sha256)
    {
        var path = Path.Combine(AppContext.BaseDirectory, fileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            var bytes = File.ReadAllBytes(path);
            return Sha256Hex.Of(bytes) == sha256 ? bytes : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
