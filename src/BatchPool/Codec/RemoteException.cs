namespace BatchPool;

/// <summary>
/// Stands for an exception thrown in another process whose type this process cannot load. It carries the original
/// type name, message, stack trace and inner exceptions.
/// </summary>
public sealed class RemoteException : Exception
{
    private Exception[] _innerExceptions;
    private string _remoteTypeName;
    private string? _remoteStackTrace;

    /// <summary>Creates the exception.</summary>
    /// <param name="remoteTypeName">The full name of the original exception type.</param>
    /// <param name="message">The original message.</param>
    /// <param name="remoteStackTrace">The original stack trace, if any.</param>
    /// <param name="innerExceptions">The original inner exceptions (several for an aggregate exception).</param>
    public RemoteException(string remoteTypeName, string message, string? remoteStackTrace, IReadOnlyList<Exception>? innerExceptions = null)
        : base(message, innerExceptions is { Count: > 0 } ? innerExceptions[0] : null)
    {
        _remoteTypeName = remoteTypeName;
        _remoteStackTrace = remoteStackTrace;
        _innerExceptions = innerExceptions?.ToArray() ?? [];
    }

    /// <summary>The full name of the original exception type, e.g. <c>MyLib.QuotaExceededException</c>.</summary>
    public string RemoteTypeName => _remoteTypeName;

    /// <summary>The stack trace of the original exception in the process that threw it.</summary>
    public string? RemoteStackTrace => _remoteStackTrace;

    /// <summary>All inner exceptions of the original (one, or several for an aggregate exception).</summary>
    public IReadOnlyList<Exception> InnerExceptions => _innerExceptions;

    /// <summary>Fills an instance the decoder created without running a constructor.</summary>
    internal void Restore(string remoteTypeName, string? remoteStackTrace, Exception[] innerExceptions)
    {
        _remoteTypeName = remoteTypeName;
        _remoteStackTrace = remoteStackTrace;
        _innerExceptions = innerExceptions;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{RemoteTypeName} (remote): {base.ToString()}";
}
