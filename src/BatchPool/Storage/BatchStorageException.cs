namespace BatchPool;

/// <summary>
/// A store refused or failed an operation after its retries: the message names the store (bucket, container or folder),
/// the operation, the key, the service's own words, and what to set when the cause is a credential or a permission.
/// </summary>
public sealed class BatchStorageException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">The store, as people name it: <c>S3 bucket 'data' (prefix 'tmp/')</c>.</param>
    /// <param name="operation">What was being done: <c>write</c>, <c>read</c>, <c>delete</c>, <c>list</c>.</param>
    /// <param name="key">The key, or the prefix of a folder operation.</param>
    /// <param name="reason">What went wrong, and what to set when the user can fix it.</param>
    /// <param name="innerException">The client library's error.</param>
    public BatchStorageException(string store, string operation, string key, string reason, Exception? innerException = null)
        : base($"{store}: {operation} of '{key}' failed: {reason}", innerException)
    {
        Store = store;
        Operation = operation;
        Key = key;
    }

    /// <summary>The store, as people name it.</summary>
    public string Store { get; }

    /// <summary>The operation that failed.</summary>
    public string Operation { get; }

    /// <summary>The key, or the prefix of a folder operation.</summary>
    public string Key { get; }
}
