namespace BatchPool.Storage;

/// <summary>
/// Opens one kind of bucket from its address, for <see cref="StorageSelection"/>. Each store package (BatchPool.Storage.S3,
/// BatchPool.Storage.Azure) has one; credentials come from the process's own environment, never from the address.
/// </summary>
internal interface IBatchStorageProvider
{
    /// <summary>Opens the store <paramref name="address"/> names (no request is made yet).</summary>
    IBatchStorage Open(StorageAddress address);
}
