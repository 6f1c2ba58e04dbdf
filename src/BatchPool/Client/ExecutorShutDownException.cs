namespace BatchPool;

/// <summary>Thrown by <c>Submit</c> and <c>Map</c> once the executor has been shut down.</summary>
public sealed class ExecutorShutDownException : InvalidOperationException
{
    /// <summary>Creates the exception for the executor named <paramref name="executorName"/>.</summary>
    /// <param name="executorName">The executor's name.</param>
    public ExecutorShutDownException(string executorName)
        : base($"BatchPoolExecutor '{executorName}' has already been shut down.") => ExecutorName = executorName;

    /// <summary>The executor's name.</summary>
    public string ExecutorName { get; }
}
