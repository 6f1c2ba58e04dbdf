namespace BatchPool;

/// <summary>
/// Thrown when a payload (a shipped call or its result) is refused: not a payload, altered, truncated, of another
/// format version or kind, or written against other builds of the runtime or user assemblies.
/// </summary>
public sealed class InvalidPayloadException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the payload was refused.</param>
    /// <param name="message">What exactly differs.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public InvalidPayloadException(PayloadRejection reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the payload was refused.</summary>
    public PayloadRejection Reason { get; }
}
