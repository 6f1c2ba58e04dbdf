namespace BatchPool.Storage.S3;

/// <summary>Opens <c>s3://</c> addresses for <see cref="StorageSelection"/>, which finds this type by name.</summary>
internal sealed class S3StorageProvider : IBatchStorageProvider
{
    public IBatchStorage Open(StorageAddress address) => new S3Storage(address);
}
