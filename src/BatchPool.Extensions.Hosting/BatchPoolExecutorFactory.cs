using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchPool;

/// <summary>
/// Creates executors on the backend registered by <c>services.AddBatchPool(...)</c>, with the defaults of
/// <see cref="BatchPoolOptions.Executor"/> and the container's logging. Each executor is the caller's to dispose;
/// stopping the host stops the jobs of every executor still running (see <see cref="StopAllAsync"/>).
/// </summary>
public sealed class BatchPoolExecutorFactory
{
    private readonly IBatchBackend _backend;
    private readonly BatchPoolExecutorOptions _defaults;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ConditionalWeakTable<BatchPoolExecutor, object?> _created = [];

    /// <summary>Creates the factory (the container does).</summary>
    /// <param name="backend">The registered backend.</param>
    /// <param name="options">BatchPool's options.</param>
    /// <param name="loggerFactory">The container's logging, if any.</param>
    public BatchPoolExecutorFactory(IBatchBackend backend, IOptions<BatchPoolOptions> options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        _backend = backend;
        _defaults = options.Value.Executor;
        _loggerFactory = loggerFactory;
    }

    /// <summary>Creates an executor on the registered backend; a parameter left out takes the configured default.</summary>
    /// <param name="name">A name for the executor; job names start with it.</param>
    /// <param name="image">The container image for each job, on backends that run containers.</param>
    /// <param name="cpusPerJob">The cores for each job (<c>2</c>, <c>0.5</c>, <c>"250m"</c>).</param>
    /// <param name="waitOnExit">Whether disposing the executor waits for every job to finish.</param>
    /// <param name="cleanupBucket">Whether the executor's folder in storage is deleted once every job ended.</param>
    /// <param name="project">The cloud project, for backends whose storage authenticates per project.</param>
    /// <returns>A new executor; dispose it when done.</returns>
    public BatchPoolExecutor Create(
        string? name = null,
        string? image = null,
        CpuCount? cpusPerJob = null,
        bool? waitOnExit = null,
        bool? cleanupBucket = null,
        string? project = null) =>
        Create(options =>
        {
            options.Name = name ?? options.Name;
            options.Image = image ?? options.Image;
            options.CpusPerJob = cpusPerJob ?? options.CpusPerJob;
            options.WaitOnExit = waitOnExit ?? options.WaitOnExit;
            options.CleanupBucket = cleanupBucket ?? options.CleanupBucket;
            options.Project = project ?? options.Project;
        });

    /// <summary>Creates an executor on the registered backend, its options the configured defaults as <paramref name="configure"/> changes them.</summary>
    /// <param name="configure">Changes the defaults for this executor.</param>
    /// <returns>A new executor; dispose it when done.</returns>
    public BatchPoolExecutor Create(Action<BatchPoolExecutorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = _defaults.Clone();
        options.LoggerFactory ??= _loggerFactory;
        configure(options);
        options.Backend = _backend;
        var executor = new BatchPoolExecutor(options);
        _created.Add(executor, null);
        return executor;
    }

    /// <summary>
    /// Shuts down every executor this factory created that is still alive, cancelling their jobs that have not ended and
    /// waiting until the backend stopped them (as <see cref="BatchPoolExecutor.ShutdownAsync"/> with <c>cancelFutures</c>).
    /// The host calls it as it stops.
    /// </summary>
    /// <param name="cancellationToken">Stops the waiting (the cancels are already sent).</param>
    public Task StopAllAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(_created.Select(entry => entry.Key.ShutdownAsync(wait: true, cancelFutures: true))).WaitAsync(cancellationToken);
}
