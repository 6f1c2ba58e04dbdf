namespace BatchPool.Storage;

/// <summary>Opens, in a worker, the storage a client named by its <see cref="IBatchStorage.Locator"/>.</summary>
internal static class StorageLocator
{
    public static IBatchStorage Open(string locator) =>
        locator.StartsWith(FileSystemStorage.FileScheme, StringComparison.OrdinalIgnoreCase) || Path.IsPathRooted(locator)
            ? new FileSystemStorage(locator)
            : throw new NotSupportedException($"This worker cannot open storage '{locator}': only file:// storage is built in.");
}
