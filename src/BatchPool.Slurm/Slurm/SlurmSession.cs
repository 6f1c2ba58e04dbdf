using System.Globalization;
using System.Text;
using BatchPool.FateSharing;
using BatchPool.Shipping;
using BatchPool.Storage;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

// How one group of jobs (a Submit, or a Map's chunks) flows:
//
//   executor ─ SubmitAsync ─▶ PrepareAsync (once: worker shipped, job.sh, logs/ and status/ made in the shared folder)
//                            ─▶ SlurmArrayPlan.For (pure: which consecutive jobs each array task runs)
//                            ─▶ WriteJobsFileAsync (slurm/group-N.jobs: one line of worker arguments per task)
//                            ─▶ SubmitArrayAsync (sbatch --array --export=...; the secret in sbatch's environment)
//                            ─▶ Watch (placements for cancels; SlurmJobMonitor.Track)
//
//   node: job.sh ─▶ status/ARRAY_TASK.start ─▶ worker (reads its input, writes its output to storage) ─▶ status/ARRAY_TASK.exit
//
//   SlurmJobMonitor: status files (inotify) and one squeue per round ─▶ evidence (SlurmStatusFiles)
//                    ─▶ SlurmJobEnd.Of (pure: Slurm's words to a BatchJobOutcome) ─▶ BatchJob.ReportEnded
//                    ─▶ executor: JobEndClassifier (pure: succeeded, user error, lost, ...) ─▶ RetryPolicy
//
//   CancelAsync: a packed job not yet started gets a cancel file; anything else is scancel'ed.
//   DisposeAsync: scancel of what runs, wait for Slurm to confirm, delete the shared folder's files when cleanupBucket says.

/// <summary>
/// One executor's jobs on Slurm: each group (a <c>Submit</c>, or the chunks of a <c>Map</c>) is one job array whose tasks
/// read their worker arguments from a jobs file; inputs, outputs, logs and exit statuses live in the executor's folder.
/// A group of more jobs than <see cref="SlurmBackend.MaxArrayTasks"/> allows is packed: each task runs several consecutive
/// jobs in one worker process, each job still with its own output, state and errors.
/// </summary>
internal sealed class SlurmSession : IBatchSession
{
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(60);

    private readonly SlurmBackend _backend;
    /// <summary>The folder the nodes share: job scripts, job lists, status files, logs, the worker.</summary>
    private readonly FileSystemStorage _storage;

    /// <summary>Where the jobs' data is: the same folder, or a bucket.</summary>
    private readonly IBatchStorage _jobStorage;
    private readonly BatchSessionOptions _options;
    private readonly SlurmJobMonitor _monitor;
    private readonly ExecutorLayout _layout;
    private readonly string _folderKey;
    private readonly string _logFolder;
    private readonly string _statusFolder;
    private readonly IReadOnlyList<string> _sbatchArguments;
    private readonly Dictionary<BatchJob, (SlurmTrackedTask Task, int Index)> _placement = [];
    private readonly HashSet<BatchJob> _cancelRequested = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _prepare = new(1, 1);
    private FileSystemWatcher? _statusWatcher;
    private string? _scriptPath;
    private int _groups;
    private bool _disposed;
    private readonly ProgramEndWatcher? _programEnd;

    public SlurmSession(SlurmBackend backend, FileSystemStorage storage, IBatchStorage jobStorage, BatchSessionOptions options, SlurmJobMonitor monitor, IReadOnlyList<string> sbatchArguments)
    {
        _backend = backend;
        _storage = storage;
        _jobStorage = jobStorage;
        _options = options;
        _monitor = monitor;
        _layout = ExecutorLayout.For(options.ExecutorName);
        _folderKey = _layout.BackendFolder("slurm");
        _logFolder = storage.PathOf(_folderKey + "logs");
        _statusFolder = storage.PathOf(_folderKey + "status");
        _sbatchArguments = sbatchArguments;
        // The jobs are named after the executor: whatever this session submits is cancelled once the program is gone.
        _programEnd = options.JobsOutliveProgram ? null : ProgramEndWatcher.Start(CleanupScript(backend.SlurmBinFolder, options.ExecutorName));
    }

    /// <summary>The shell script that cancels the executor's jobs (see <see cref="ProgramEndWatcher"/>); twice, for an sbatch under way.</summary>
    internal static string CleanupScript(string? binFolder, string executorName)
    {
        var scancel = ProgramEndWatcher.Quote(binFolder is null ? "scancel" : Path.Combine(binFolder, "scancel"));
        var name = ProgramEndWatcher.Quote("--name=" + executorName);
        return $"{scancel} {name}; sleep 5; {scancel} {name}";
    }

    /// <summary>Submits a group of jobs as one array: prepare (once), plan, write the jobs file, sbatch, watch.</summary>
    public async ValueTask<IReadOnlyList<BatchJob>> SubmitAsync(IReadOnlyList<BatchJobRequest> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (jobs.Count == 0)
        {
            return [];
        }
        var script = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        // A single job is one task whatever the limit: no sinfo for a Submit.
        var plan = SlurmArrayPlan.For(jobs, jobs.Count == 1 ? 1 : await _backend.ArrayTaskLimitAsync(_options, cancellationToken).ConfigureAwait(false));
        var jobsFile = await WriteJobsFileAsync(plan, cancellationToken).ConfigureAwait(false);
        var arrayId = await SubmitArrayAsync(plan, script, jobsFile, cancellationToken).ConfigureAwait(false);
        var tasks = plan.Tasks(arrayId, _logFolder, _statusFolder);
        Watch(tasks);
        return [.. tasks.SelectMany(task => task.Jobs)];
    }

    /// <summary>The group's jobs file in the shared folder: one line of worker arguments per task.</summary>
    private async Task<string> WriteJobsFileAsync(SlurmArrayPlan plan, CancellationToken cancellationToken)
    {
        var group = Interlocked.Increment(ref _groups);
        var jobsKey = $"{_folderKey}group-{group.ToString(CultureInfo.InvariantCulture)}.jobs";
        await _storage.WriteAsync(jobsKey, Encoding.UTF8.GetBytes(plan.JobsFile()), cancellationToken).ConfigureAwait(false);
        return _storage.PathOf(jobsKey);
    }

    /// <summary>sbatch of the array; returns its job id, or throws with sbatch's words.</summary>
    private async Task<long> SubmitArrayAsync(SlurmArrayPlan plan, string script, string jobsFile, CancellationToken cancellationToken)
    {
        List<string> sbatch = [.. _sbatchArguments, $"--output={Path.Combine(_logFolder, "%A_%a.log")}", script, jobsFile];
        if (plan.Packed)
        {
            sbatch.Add(SlurmJobScript.PackedArgument);
        }
        try
        {
            return await _backend.Slurm.SubmitArrayAsync(plan.TaskCount, _backend.MaxParallelJobs, sbatch, _options.JobEnvironment(), cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmSubmissionException e)
        {
            throw new InvalidOperationException($"Slurm refused the jobs of executor {_options.ExecutorName}: {e.Message}", e);
        }
    }

    /// <summary>Records where each job runs (for cancels) and hands the tasks to the monitor.</summary>
    private void Watch(List<SlurmTrackedTask> tasks)
    {
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                for (var i = 0; i < task.Jobs.Count; i++)
                {
                    _placement[task.Jobs[i]] = (task, i);
                }
            }
        }
        _monitor.Track(tasks);
    }

    public async ValueTask CancelAsync(BatchJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.HasEnded)
        {
            return;
        }
        (SlurmTrackedTask Task, int Index) place;
        bool wholeTask;
        lock (_gate)
        {
            if (!_placement.TryGetValue(job, out place))
            {
                return;
            }
            _cancelRequested.Add(job);
            wholeTask = place.Task.Jobs.All(j => j.HasEnded || _cancelRequested.Contains(j));
        }
        if (place.Task.Packed && !wholeTask)
        {
            // The cancel file first, the start mark second (the worker does the opposite): with no start mark yet, the
            // worker will skip the job, and its neighbours run. A job that started can only be stopped with its task.
            var (started, _, cancelled) = WorkerProtocol.JobStatusFiles(place.Task.StatusPrefix, place.Index);
            await File.WriteAllBytesAsync(cancelled, []).ConfigureAwait(false);
            if (!File.Exists(started))
            {
                return;
            }
        }
        await _backend.CancelAsync([place.Task.TaskId]).ConfigureAwait(false);
        _monitor.Wake();
    }

    /// <summary>Cancels every job of the session still queued or running, and waits until Slurm says they ended.</summary>
    public async ValueTask DisposeAsync()
    {
        BatchJob[] unfinished;
        SlurmTrackedTask[] watched;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            unfinished = [.. _placement.Keys.Where(j => !j.HasEnded)];
            watched = [.. _placement.Values.Select(p => p.Task).Distinct().Where(t => !t.Finished.IsCompleted)];
            _placement.Clear();
        }
        if (unfinished.Length > 0)
        {
            // One scancel per array covers its pending tasks too.
            await _backend.CancelAsync([.. unfinished.Select(j => j.Id[..j.Id.IndexOf('_', StringComparison.Ordinal)]).Distinct()]).ConfigureAwait(false);
            _monitor.Wake();
        }
        if (watched.Length > 0)
        {
            // Also packed tasks whose jobs all ended while their worker is still exiting: nothing of the session stays running.
            var ended = Task.WhenAll(watched.Select(t => t.Finished));
            if (await Task.WhenAny(ended, Task.Delay(DisposeWait)).ConfigureAwait(false) != ended)
            {
                foreach (var job in unfinished)
                {
                    job.ReportEnded(new BatchJobOutcome(BatchJobState.Cancelled, Detail: $"cancelled; Slurm did not confirm its end within {DisposeWait.TotalSeconds:0} s"));
                }
            }
        }
        _statusWatcher?.Dispose();
        _programEnd?.Dispose();
        _prepare.Dispose();
        if (_options.CleanupBucket && !ReferenceEquals(_storage, _jobStorage))
        {
            // With a bucket, the shared folder holds this session's own files (worker, scripts, status files, logs): the
            // executor deletes its folder in the bucket, and these go with it. With the folder alone, the executor's
            // delete covers both.
            await _storage.DeleteFolderAsync(_layout.Folder).ConfigureAwait(false);
        }
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
                // With a bucket, the worker needs the store's package beside it to reach it.
                var workerKey = await WorkerShipper.ShipAsync(_options.Worker, _storage, _layout, WorkerShipper.StoreFilesOf(_jobStorage), cancellationToken).ConfigureAwait(false);
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
