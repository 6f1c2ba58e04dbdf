using System.Buffers;
using System.Runtime.CompilerServices;

namespace BatchPool.Storage;

/// <summary>
/// Storage in a folder of a local or shared file system (NFS, Lustre, ...): the default, and the one every
/// machine of a cluster with a shared folder can use.
/// </summary>
public sealed class FileSystemStorage : IBatchStorage
{
    /// <summary>The scheme of the locators this storage gives and opens.</summary>
    internal const string FileScheme = "file://";

    // Built on first use (a worker never asks) and kept: an executor names it in every job's arguments.
    private string? _locator;

    /// <summary>Opens storage rooted at <paramref name="root"/>, a folder path or a <c>file://</c> URI; creates the folder.</summary>
    /// <param name="root">The folder under which every key lives.</param>
    public FileSystemStorage(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        RootPath = Path.GetFullPath(LocalPathOf(root));
        Directory.CreateDirectory(RootPath);
    }

    /// <summary>The absolute path of the root folder.</summary>
    public string RootPath { get; }

    /// <inheritdoc />
    public string Locator => _locator ??= LocatorOf(RootPath);

    /// <inheritdoc />
    public ValueTask WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Synchronously, as files are read (see ReadAsync).
        WriteFileAtomically(path, data.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(string key, ReadOnlySequence<byte> data, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = TemporaryBeside(path);
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            foreach (var segment in data)
            {
                stream.Write(segment.Span);
            }
        }
        File.Move(temporary, path, overwrite: true);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Copied by the kernel (<see cref="File.Copy(string, string)"/>: a clone where the file system can, else a copy
    /// without the bytes passing through this process), beside the blob and renamed into place.
    /// </remarks>
    public ValueTask WriteFileAsync(string key, string path, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var blob = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var temporary = TemporaryBeside(blob);
        File.Copy(path, temporary);
        File.Move(temporary, blob, overwrite: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The file URI of a folder, ending in a slash. A Unix path of letters, digits and <c>/._-~</c> alone is its own URI
    /// path; anything else is escaped by <see cref="Uri"/> (whose first use costs a new executor several milliseconds).
    /// </summary>
    private static string LocatorOf(string rootPath)
    {
        var folder = Path.EndsInDirectorySeparator(rootPath) ? rootPath : rootPath + Path.DirectorySeparatorChar;
        return !OperatingSystem.IsWindows() && folder.StartsWith('/') && IsPlainPath(folder)
            ? FileScheme + folder
            : UriOf(folder);
    }

    /// <summary>
    /// Whether a path holds letters, digits and <c>/._-~</c> alone: its file URI's path as it is. A loop, not
    /// <see cref="SearchValues"/>: their vectorized search is compiled at run time, ~6 ms of a new executor for one path.
    /// </summary>
    private static bool IsPlainPath(string path)
    {
        foreach (var c in path)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('/' or '.' or '_' or '-' or '~'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The folder a root names. A plain Unix file URI (no host, nothing escaped: what <see cref="Locator"/> gives for
    /// most folders) is read without <see cref="Uri"/>, whose first use costs a fresh worker several milliseconds.
    /// </summary>
    private static string LocalPathOf(string root)
    {
        if (!root.StartsWith(FileScheme, StringComparison.OrdinalIgnoreCase))
        {
            return root;
        }
        return !OperatingSystem.IsWindows() && root.StartsWith(FileScheme + "/", StringComparison.Ordinal) && !HasUriEscapes(root)
            ? root[FileScheme.Length..]
            : LocalPathOfUri(root);
    }

    // Apart, so that the paths above never load System.Private.Uri (a method's first call loads the types it names).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string UriOf(string folder) => new Uri(folder).AbsoluteUri;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string LocalPathOfUri(string root) => new Uri(root).LocalPath;

    /// <summary>Whether a file URI holds an escape, a query or a fragment (a loop, for the reason <see cref="IsPlainPath"/> gives).</summary>
    private static bool HasUriEscapes(string uri)
    {
        foreach (var c in uri)
        {
            if (c is '%' or '?' or '#')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Writes a file beside, then renames it into place: a reader polling for it never sees half of it.</summary>
    internal static void WriteFileAtomically(string path, ReadOnlySpan<byte> data)
    {
        var temporary = TemporaryBeside(path);
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            stream.Write(data);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A new name beside <paramref name="path"/> to write it under before renaming it into place.</summary>
    // A random name (Random.Shared, not a Guid: formatting one compiles vectorized code in a fresh process).
    private static string TemporaryBeside(string path) =>
        path + "." + Random.Shared.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".tmp";

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Synchronously: on Unix, .NET's asynchronous file reads run the same blocking read on the thread pool, and
            // their first use in a fresh process cost a worker 15-20 ms of CPU before its first job (a 5 KB assembly).
            return ValueTask.FromResult<byte[]?>(File.ReadAllBytes(PathOf(key)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<byte[]?>(null);
        }
    }

    /// <inheritdoc />
    /// <remarks>The file itself, unbuffered (its reader reads big pieces), opened synchronously as <see cref="ReadAsync"/> reads.</remarks>
    public ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return ValueTask.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return ValueTask.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(File.Exists(PathOf(key)));

    /// <inheritdoc />
    public async ValueTask DeleteFolderAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var path = PathOf(prefix.TrimEnd('/'));
        // A process that was just killed (a cancelled job's) can still have a file write in flight, which makes the
        // recursive delete find the folder not empty: it is tried again for a little while.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The absolute path of the file that holds <paramref name="key"/> (or of the folder, for a prefix).</summary>
    /// <param name="key">A key, or a folder prefix without its final '/'.</param>
    /// <exception cref="ArgumentException">The key is not a relative path of plain names.</exception>
    public string PathOf(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"Storage key '{key}' is not a relative path of plain names.", nameof(key));
        }
        return Path.Combine(RootPath, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
