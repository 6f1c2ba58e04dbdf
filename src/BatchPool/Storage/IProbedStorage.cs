namespace BatchPool.Storage;

/// <summary>
/// A store that can be checked before any job is submitted: a bucket whose name, credentials, permissions or server may be
/// wrong. A folder needs no probe: creating it already failed if it could not be.
/// </summary>
internal interface IProbedStorage
{
    /// <summary>
    /// Writes one small blob under <paramref name="folder"/> and deletes it, throwing <see cref="BatchStorageException"/>
    /// naming the bucket, the operation and what to set when either fails.
    /// </summary>
    Task ProbeAsync(string folder, CancellationToken cancellationToken);
}
