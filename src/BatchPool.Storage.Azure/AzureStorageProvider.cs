namespace BatchPool.Storage.Azure;

/// <summary>Opens Azure Blob addresses for <see cref="StorageSelection"/>, which finds this type by name.</summary>
internal sealed class AzureStorageProvider : IBatchStorageProvider
{
    public IBatchStorage Open(StorageAddress address) => new AzureBlobStorage(address);
}
