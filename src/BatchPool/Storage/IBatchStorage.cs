using System.Buffers;

namespace BatchPool.Storage;

/// <summary>
/// A store of blobs shared by the submitting machine and the machines that run jobs: a folder, or a bucket.
/// Keys are relative, '/'-separated paths such as <c>batch-pool-executor/name/inputs/call/input</c>.
/// </summary>
/// <remarks>
/// A write is atomic: a reader sees the whole blob or none of it. Implementations must be safe to call
/// from many threads at once.
/// </remarks>
public interface IBatchStorage
{
    /// <summary>
    /// Where the store is, in a form the worker can open (for example <c>file:///shared/tmp</c>); it names the place,
    /// never a credential.
    /// </summary>
    string Locator { get; }

    /// <summary>Writes <paramref name="data"/> under <paramref name="key"/>, replacing any blob already there.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="data">The blob's bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask WriteAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Writes the bytes of <paramref name="data"/>, in order, under <paramref name="key"/>, replacing any blob already there.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="data">The blob's bytes, in one or more segments (a job's input: its code manifest, then its payload).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <remarks>
    /// By default, the segments copied into one buffer and written with <see cref="WriteAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>;
    /// a store that can do better (a folder writes each segment, a bucket uploads big blobs in parts) overrides this.
    /// </remarks>
    ValueTask WriteAsync(string key, ReadOnlySequence<byte> data, CancellationToken cancellationToken = default) =>
        WriteAsync(key, data.IsSingleSegment ? data.First : data.ToArray(), cancellationToken);

    /// <summary>Writes the local file at <paramref name="path"/> under <paramref name="key"/>, replacing any blob already there.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="path">The file to store.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <remarks>
    /// By default, the file's bytes read and written with <see cref="WriteAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>; a store that can do better (a folder
    /// copies the file in the kernel, a bucket streams it) overrides this.
    /// </remarks>
    ValueTask WriteFileAsync(string key, string path, CancellationToken cancellationToken = default) =>
        WriteAsync(key, File.ReadAllBytes(path), cancellationToken);

    /// <summary>Reads the blob under <paramref name="key"/>, or returns null when there is none.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Opens the blob under <paramref name="key"/> to read from its start, or returns null when there is none.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <remarks>
    /// By default, the blob read whole with <see cref="ReadAsync"/> and a stream over those bytes; a store that can do better
    /// (a folder opens the file, a bucket streams the download) overrides this, so that a big blob is read a piece at a time
    /// into where it goes (a large result, straight into its array) and never held whole beside it.
    /// </remarks>
    async ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        await ReadAsync(key, cancellationToken).ConfigureAwait(false) is { } bytes ? new MemoryStream(bytes, writable: false) : null;

    /// <summary>Tells whether a blob exists under <paramref name="key"/>.</summary>
    /// <param name="key">The blob's key.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    ValueTask<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every blob whose key starts with <paramref name="prefix"/>; deleting nothing is no error.</summary>
    /// <param name="prefix">A key prefix ending in '/', naming a folder.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    ValueTask DeleteFolderAsync(string prefix, CancellationToken cancellationToken = default);
}
