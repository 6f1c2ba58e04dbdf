using System.Collections.Concurrent;
using System.Reflection;
using BatchPool.Codec;
using BatchPool.Storage;

namespace BatchPool.Shipping;

/// <summary>
/// Uploads the user's assemblies an executor's jobs need, content-addressed and once per executor, and writes the
/// authenticated code manifest that tells a worker which of them to load.
/// </summary>
/// <param name="storage">Where the files go.</param>
/// <param name="layout">The executor's folder.</param>
/// <param name="codec">Encodes the manifest.</param>
/// <param name="stored">Told how many bytes each file shipped took (the executor's telemetry).</param>
internal sealed class AssemblyShipper(IBatchStorage storage, ExecutorLayout layout, PayloadCodec codec, Action<long>? stored = null)
{
    private static readonly ConcurrentDictionary<Assembly, Lazy<AssemblyFile>> Files = new();

    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _manifests = new(StringComparer.Ordinal);

    /// <summary>
    /// Ships what <paramref name="roots"/> need and returns the encoded manifest that names it, to prefix a job's input.
    /// </summary>
    public async Task<byte[]> ShipAsync(IEnumerable<Assembly> roots, CancellationToken cancellationToken)
    {
        var needed = roots.SelectMany(AssemblyCatalog.ClosureOf).Distinct().ToList();
        // List.Sort, not OrderBy: LINQ's sorter compiles generic code at run time in a fresh client.
        needed.Sort(static (a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        var files = needed.Select(FileOf).ToList();
        await Task.WhenAll(files.Select(file => Upload(file, cancellationToken))).ConfigureAwait(false);

        var lines = files.Select(f => f.Entry.ToManifestLine()).ToArray();
        var key = string.Join('\n', lines);
        return _manifests.GetOrAdd(key, _ => codec.Encode(lines, PayloadKind.CodeManifest).Bytes);
    }

    private Task Upload(AssemblyFile file, CancellationToken cancellationToken) =>
        _uploads.GetOrAdd(file.Entry.Sha256, _ => new Lazy<Task>(() => UploadAsync(file, cancellationToken))).Value;

    private async Task UploadAsync(AssemblyFile file, CancellationToken cancellationToken)
    {
        var key = layout.AssemblyOf(file.Entry.Sha256);
        await UploadOnceAsync(layout.AssemblyOf(file.Entry.Sha256), file.Path, cancellationToken).ConfigureAwait(false);
        if (file.Entry.SymbolsSha256 is { } symbols)
        {
            await UploadOnceAsync(layout.SymbolsOf(symbols), Path.ChangeExtension(file.Path, ".pdb"), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task UploadOnceAsync(string key, string path, CancellationToken cancellationToken)
    {
        // Content-addressed: a blob already there (from an earlier run that kept its folder) is the same bytes.
        if (!await storage.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            await storage.WriteFileAsync(key, path, cancellationToken).ConfigureAwait(false);
            stored?.Invoke(new FileInfo(path).Length);
        }
    }

    private static AssemblyFile FileOf(Assembly assembly) => Files.GetOrAdd(assembly, a => new Lazy<AssemblyFile>(() =>
    {
        if (a.IsDynamic || string.IsNullOrEmpty(a.Location))
        {
            throw new NotSupportedException(
                $"Cannot ship assembly '{a.FullName}': it was generated or loaded in memory and has no file. " +
                "Functions and types submitted to BatchPool must live in assemblies loaded from files.");
        }
        var symbols = Path.ChangeExtension(a.Location, ".pdb");
        var symbolsSha256 = File.Exists(symbols) ? Sha256Of(symbols) : null;
        return new AssemblyFile(a.Location, new ShippedAssembly(AssemblyIdentity.Of(a).SimpleName, Sha256Of(a.Location), symbolsSha256));
    })).Value;

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Sha256Hex.Of(stream);
    }

    private sealed record AssemblyFile(string Path, ShippedAssembly Entry);
}
