namespace BatchPool.Configuration;

/// <summary>
/// Makes one kind of backend from settings, for programs that choose their backend by name (<c>BATCHPOOL_BACKEND</c>, a
/// configuration section's <c>Backend</c>). Each backend package has one, found by <see cref="BackendSelection"/>.
/// </summary>
internal interface IBatchBackendProvider
{
    /// <summary>
    /// Makes the backend from <paramref name="settings"/>, named by its options' property names (<c>RemoteTmpdir</c>,
    /// <c>MaxParallelJobs</c>, ...), throwing <see cref="BatchPoolSettingException"/> for a value it cannot take.
    /// </summary>
    IBatchBackend Create(SettingSource settings);
}
