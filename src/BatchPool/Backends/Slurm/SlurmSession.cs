using System.Globalization;
using System.Text;
using BatchPool.Storage;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// One executor's jobs on Slurm: each group (a <c>Submit</c>, or the chunks of a <c>Map</c>) is one job array whose tasks
/// read their worker arguments from a jobs file; inputs, outputs, logs and exit statuses live in the executor's folder.
/// </summary>
internal sealed class SlurmSession : IBatchSession
{
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(60);

    private readonly SlurmBackend _backend;
    private readonly FileSystemStorage _storage;
    private readonly BatchSessionOptions _options;
    private readonly SlurmJobMonitor _monitor;
    private readonly ExecutorLayout _layout;
    private readonly string _folderKey;
    private readonly string _logFolder;
    private readonly string _statusFolder;
    private readonly IReadOnlyList<string> _sbatchArguments;
    private readonly List<BatchJob> _jobs = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _prepare = new(1, 1);
    private FileSystemWatcher? _statusWatcher;
    private string? _scriptPath;
    private int _groups;
    private bool _disposed;

    public SlurmSession(SlurmBackend backend, FileSystemStorage storage, BatchSessionOptions options, SlurmJobMonitor monitor, IReadOnlyList<string> sbatchArguments)
    {
        _backend = backend;
        _storage = storage;
        _options = options;
        _monitor = monitor;
        _layout = ExecutorLayout.For(options.ExecutorName);
        _folderKey = _layout.BackendFolder("slurm");
        _logFolder = storage.PathOf(_folderKey + "logs");
        _statusFolder = storage.PathOf(_folderKey + "status");
        _sbatchArguments = sbatchArguments;
    }

    public async ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (jobs.Count == 0)
        {
            return [];
        }
        var script = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        var group = Interlocked.Increment(ref _groups);
        var jobsKey = $"{_folderKey}group-{group.ToString(CultureInfo.InvariantCulture)}.jobs";
        var lines = new StringBuilder();
        foreach (var job in jobs)
        {
            lines.Append(SlurmJobScript.JobLine(job.WorkerArguments)).Append('\n');
        }
        await _storage.WriteAsync(jobsKey, Encoding.UTF8.GetBytes(lines.ToString()), cancellationToken).ConfigureAwait(false);

        List<string> arguments = [.. _sbatchArguments, $"--output={Path.Combine(_logFolder, "%A_%a.log")}", script, _storage.PathOf(jobsKey)];
        long arrayId;
        try
        {
            arrayId = await _backend.Slurm.SubmitArrayAsync(jobs.Count, arguments, _options.JobEnvironment(), cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmSubmissionException e)
        {
            throw new InvalidOperationException($"Slurm refused the jobs of executor {_options.ExecutorName}: {e.Message}", e);
        }
        var accepted = new List<BatchJob>(jobs.Count);
        var tracked = new List<SlurmTrackedTask>(jobs.Count);
        for (var task = 0; task < jobs.Count; task++)
        {
            var id = FormattableString.Invariant($"{arrayId}_{task}");
            var job = new BatchJob(id, jobs[task].Name);
            accepted.Add(job);
            tracked.Add(new SlurmTrackedTask(job, arrayId, task, Path.Combine(_logFolder, id + ".log"), Path.Combine(_statusFolder, id + ".exit")));
        }
        lock (_gate)
        {
            _jobs.AddRange(accepted);
        }
        _monitor.Track(tracked);
        return accepted;
    }

    public async ValueTask CancelAsync(BatchJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Ended.IsCompleted)
        {
            return;
        }
        await _backend.CancelAsync([job.Id]).ConfigureAwait(false);
        _monitor.Wake();
    }

    /// <summary>Cancels every job of the session still queued or running, and waits until Slurm says they ended.</summary>
    public async ValueTask DisposeAsync()
    {
        BatchJob[] unfinished;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            unfinished = [.. _jobs.Where(j => !j.Ended.IsCompleted)];
            _jobs.Clear();
        }
        if (unfinished.Length > 0)
        {
            // One scancel per array covers its pending tasks too.
            await _backend.CancelAsync([.. unfinished.Select(j => j.Id[..j.Id.IndexOf('_', StringComparison.Ordinal)]).Distinct()]).ConfigureAwait(false);
            _monitor.Wake();
            var ended = Task.WhenAll(unfinished.Select(j => j.Ended));
            if (await Task.WhenAny(ended, Task.Delay(DisposeWait)).ConfigureAwait(false) != ended)
            {
                foreach (var job in unfinished)
                {
                    job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: $"cancelled; Slurm did not confirm its end within {DisposeWait.TotalSeconds:0} s"));
                }
            }
        }
        _statusWatcher?.Dispose();
        _prepare.Dispose();
        _backend.Forget(this);
    }

    /// <summary>Once per session: ships the worker, writes the job script and makes the log and status folders.</summary>
    private async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        if (_scriptPath is { } ready)
        {
            return ready;
        }
        await _prepare.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_scriptPath is null)
            {
                var workerKey = await _options.Worker.ShipAsync(_storage, _options.ExecutorName, cancellationToken).ConfigureAwait(false);
                Directory.CreateDirectory(_logFolder);
                Directory.CreateDirectory(_statusFolder);
                WatchStatusFolder();
                var scriptKey = _folderKey + "job.sh";
                var script = SlurmJobScript.Compose(_backend.DotnetPath, _storage.PathOf(workerKey), _statusFolder, _backend.ContainerLauncherFor(_options.Image));
                await _storage.WriteAsync(scriptKey, Encoding.UTF8.GetBytes(script), cancellationToken).ConfigureAwait(false);
                _scriptPath = _storage.PathOf(scriptKey);
            }
            return _scriptPath;
        }
        finally
        {
            _prepare.Release();
        }
    }

    /// <summary>
    /// Marks a job running the moment its script starts, and ends it the moment the script records the exit status. On a network file system that does not report changes made
    /// by other machines, squeue's rounds still end it.
    /// </summary>
    private void WatchStatusFolder()
    {
        try
        {
            var watcher = new FileSystemWatcher(_statusFolder) { NotifyFilter = NotifyFilters.FileName };
            watcher.Filters.Add("*.start");
            watcher.Filters.Add("*.exit");
            watcher.Renamed += (_, e) => _monitor.StatusWritten(e.FullPath);
            watcher.Created += (_, e) => _monitor.StatusWritten(e.FullPath);
            watcher.EnableRaisingEvents = true;
            _statusWatcher = watcher;
        }
        catch (IOException)
        {
            // No change notification here (inotify watches exhausted, say): squeue's rounds suffice.
        }
    }
}
