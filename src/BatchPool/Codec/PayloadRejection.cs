namespace BatchPool;

/// <summary>Why a reader refused a payload (see <see cref="InvalidPayloadException"/>).</summary>
public enum PayloadRejection
{
    /// <summary>The bytes do not start with the BatchPool payload magic number.</summary>
    NotAPayload,

    /// <summary>The payload was written in a format version this reader does not understand.</summary>
    UnsupportedFormatVersion,

    /// <summary>The payload holds another kind of content than the reader expected (e.g. a result instead of a job).</summary>
    WrongKind,

    /// <summary>The payload is shorter than its header says.</summary>
    Truncated,

    /// <summary>The payload's MAC does not match: it was altered, or written with another key.</summary>
    AuthenticationFailed,

    /// <summary>The payload was written by another .NET major.minor version than the reader runs.</summary>
    RuntimeMismatch,

    /// <summary>A user assembly the payload was written against differs from (or is missing in) the reader's process.</summary>
    AssemblyMismatch,

    /// <summary>The payload is authentic but its content cannot be decoded.</summary>
    Corrupt,
}
