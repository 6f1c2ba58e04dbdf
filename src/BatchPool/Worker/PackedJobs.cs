using BatchPool.Storage;

namespace BatchPool.Worker;

/// <summary>
/// Runs the jobs of a packed task (several small jobs of one <c>Map</c> that a backend gave one process, to pay for one
/// worker start instead of several) one after another. Each job keeps its own outcome: it marks its start, skips itself
/// when the client cancelled it before it started, and records its exit code, in the files
/// <see cref="WorkerProtocol.JobStatusFiles"/> names; its output goes to storage as a single job's does.
/// </summary>
internal static class PackedJobs
{
    /// <summary>Runs every job; the process's exit code is 0 once every job's exit code is recorded.</summary>
    public static async Task<int> RunAsync(JobRunner runner, RunRequest packed, TextWriter log)
    {
        var prefix = packed.StatusPrefix ?? throw new ArgumentException("a packed run needs a status prefix", nameof(packed));
        for (var index = 0; index < packed.Calls.Count; index++)
        {
            var call = packed.Calls[index];
            var (started, exited, cancelled) = WorkerProtocol.JobStatusFiles(prefix, index);
            // Start mark first, cancel check second: a client that writes the cancel file and then finds no start mark
            // knows that this job will not run.
            await File.WriteAllBytesAsync(started, []).ConfigureAwait(false);
            int exitCode;
            if (File.Exists(cancelled))
            {
                exitCode = WorkerProtocol.CancelledBeforeStart;
            }
            else
            {
                await log.WriteLineAsync($"batchpool worker: job {index + 1} of {packed.Calls.Count} in this task: {call}").ConfigureAwait(false);
                exitCode = (await runner.RunAsync(WorkerProtocol.RunArguments(packed.StorageLocator, packed.Folder, call)).ConfigureAwait(false)).ExitCode;
            }
            await log.FlushAsync().ConfigureAwait(false);
            FileSystemStorage.WriteFileAtomically(exited, System.Text.Encoding.ASCII.GetBytes(exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        }
        return WorkerProtocol.Succeeded;
    }
}
