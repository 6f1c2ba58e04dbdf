namespace BatchPool.Storage;

/// <summary>Opens, in a worker, the storage a client named by its <see cref="IBatchStorage.Locator"/>.</summary>
internal static class StorageLocator
{
    public static IBatchStorage Open(string locator) => StorageSelection.Open(locator, "the job's storage");
}
