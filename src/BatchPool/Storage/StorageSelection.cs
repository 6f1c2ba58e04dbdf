namespace BatchPool.Storage;

/// <summary>
/// Opens the store an address names (<see cref="StorageAddress"/>): a folder here, a bucket through its store package,
/// found by assembly name as <see cref="Configuration.BackendSelection"/> finds backends. Client and worker both open
/// storage here: the client from its <c>remoteTmpdir</c>, the worker from the locator a job names.
/// </summary>
internal static class StorageSelection
{
    /// <summary>The package that holds each kind of bucket, and its provider's type there.</summary>
    private static readonly Dictionary<StorageKind, (string Package, string Provider)> Packages = new()
    {
        [StorageKind.S3] = ("BatchPool.Storage.S3", "BatchPool.Storage.S3.S3StorageProvider"),
        [StorageKind.Azure] = ("BatchPool.Storage.Azure", "BatchPool.Storage.Azure.AzureStorageProvider"),
    };

    /// <summary>
    /// The store <paramref name="location"/> names; <paramref name="setting"/> names where it came from, for errors
    /// (<see cref="BatchPoolSettingException"/> for a malformed address, a scheme not supported, a package not referenced).
    /// </summary>
    public static IBatchStorage Open(string location, string setting)
    {
        // Folders first, without parsing: the local backend's every start, and every warm worker's first job.
        if (StorageAddress.IsFolder(location))
        {
            return new FileSystemStorage(location);
        }
        var (address, providerType) = Resolve(location, setting);
        return ((IBatchStorageProvider)Activator.CreateInstance(providerType!, nonPublic: true)!).Open(address);
    }

    /// <summary>
    /// Checks an address without opening it (an options object's validation): throws <see cref="BatchPoolSettingException"/>
    /// naming <paramref name="setting"/> for a malformed address, a store not supported, or a store package not referenced.
    /// </summary>
    public static void Check(string? location, string setting)
    {
        if (location is not null && !StorageAddress.IsFolder(location))
        {
            Resolve(location, setting);
        }
    }

    /// <summary>Whether <paramref name="location"/> names a bucket, which workers reach over the network, rather than a folder.</summary>
    public static bool IsBucket(string? location) => location is not null && !StorageAddress.IsFolder(location);

    private static (StorageAddress Address, Type? Provider) Resolve(string location, string setting)
    {
        StorageAddress address;
        try
        {
            address = StorageAddress.Parse(location);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            throw new BatchPoolSettingException(setting, location, $"{e.Message} Accepted: {StorageAddress.Accepted}", e);
        }
        if (address.Kind == StorageKind.Folder)
        {
            return (address, null);
        }
        var (package, provider) = Packages[address.Kind];
        ResolveFromApplicationFolder();
        if (Type.GetType($"{provider}, {package}") is not { } providerType)
        {
            throw new BatchPoolSettingException(setting, location,
                $"{address.Kind} storage is in package {package}, which this program does not reference: `dotnet add package {package}`.");
        }
        return (address, providerType);
    }

    private static int _resolving;

    /// <summary>
    /// Lets the default load context find a store package and its client library in the program's folder when its
    /// dependency manifest does not list them: the worker's does not, and it runs from the folder of the program that
    /// references the package (the local backend), or from a copy of that folder (a container's mount, a shared folder).
    /// </summary>
    private static void ResolveFromApplicationFolder()
    {
        if (Interlocked.Exchange(ref _resolving, 1) == 1)
        {
            return;
        }
        System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += static (context, name) =>
            name.Name is { } simple && Path.Combine(AppContext.BaseDirectory, simple + ".dll") is var path && File.Exists(path)
                ? context.LoadFromAssemblyPath(path)
                : null;
    }
}
