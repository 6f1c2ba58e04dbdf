using Microsoft.Extensions.Logging;

namespace BatchPool.Diagnostics;

/// <summary>What an executor logs, with fixed event ids and structured fields (compiled by the logging source generator).</summary>
internal static partial class ExecutorLog
{
    [LoggerMessage(EventId = 1, EventName = "ExecutorStarted", Level = LogLevel.Information,
        Message = "Executor {Executor} started on the {Backend} backend")]
    public static partial void ExecutorStarted(ILogger logger, string executor, string backend);

    [LoggerMessage(EventId = 2, EventName = "ExecutorStopping", Level = LogLevel.Information,
        Message = "Executor {Executor} shutting down; {Outstanding} jobs not ended, cancelling them: {CancelFutures}")]
    public static partial void ExecutorStopping(ILogger logger, string executor, int outstanding, bool cancelFutures);

    [LoggerMessage(EventId = 3, EventName = "ExecutorStopped", Level = LogLevel.Information,
        Message = "Executor {Executor} stopped")]
    public static partial void ExecutorStopped(ILogger logger, string executor);

    [LoggerMessage(EventId = 4, EventName = "JobFailed", Level = LogLevel.Error,
        Message = "Job {JobId} ({JobName}) of executor {Executor} failed: {Cause}")]
    public static partial void JobFailed(ILogger logger, string executor, string jobId, string jobName, string cause, Exception exception);

    [LoggerMessage(EventId = 5, EventName = "BackendError", Level = LogLevel.Error,
        Message = "Executor {Executor}: {Operation} failed on the {Backend} backend")]
    public static partial void BackendError(ILogger logger, string executor, string operation, string backend, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "JobRetried", Level = LogLevel.Warning,
        Message = "Job {JobName} of executor {Executor} submitted again (attempt {Attempt})")]
    public static partial void JobRetried(ILogger logger, string executor, string jobName, int attempt);
}
