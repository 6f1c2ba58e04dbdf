namespace BatchPool.Codec;

/// <summary>
/// The manifest type under which every exception is written: the concrete type follows as a reference the reader may
/// fail to load (then it gets a <see cref="RemoteException"/>), which a type manifest would not allow.
/// </summary>
internal sealed class ExceptionEnvelope
{
    private ExceptionEnvelope()
    {
    }
}
