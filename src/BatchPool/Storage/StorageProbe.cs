namespace BatchPool.Storage;

/// <summary>What an executor does about its storage at its start: check a bucket, and hand the credentials' variables on.</summary>
internal static class StorageProbe
{
    /// <summary>
    /// Writes and deletes one blob in the executor's folder when the backend's storage is a bucket, so that a wrong bucket,
    /// credential, permission or server is an error at the executor's start, before any job is submitted. An owned backend
    /// is disposed when the check fails.
    /// </summary>
    public static void Check(IBatchBackend backend, bool ownsBackend, ExecutorLayout layout)
    {
        if (backend.Storage is not IProbedStorage probed)
        {
            return;
        }
        try
        {
            probed.ProbeAsync(layout.Folder, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch when (ownsBackend)
        {
            backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>
    /// <paramref name="environment"/> and the variables <paramref name="names"/> lists, with their values in this process
    /// (names not set here are skipped).
    /// </summary>
    public static IReadOnlyDictionary<string, string> WithPassedEnvironment(IReadOnlyDictionary<string, string> environment, IEnumerable<string> names)
    {
        Dictionary<string, string>? passed = null;
        foreach (var name in names)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                passed ??= new Dictionary<string, string>(environment, StringComparer.Ordinal);
                passed[name] = value;
            }
        }
        return passed ?? environment;
    }
}
