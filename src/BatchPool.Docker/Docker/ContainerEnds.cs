using BatchPool.Backends;
using BatchPool.Worker;

namespace BatchPool.Docker;

/// <summary>What the session saw of a job's container when it ended: the facts <see cref="ContainerEnds.OutcomeOf"/> reads.</summary>
/// <param name="Container">The container's name or id, for messages.</param>
/// <param name="ExitCode">Its (or its exec'd job's) exit code.</param>
/// <param name="OomKilled">Whether the kernel killed it for its memory (the engine's flag, or its "oom" event for an exec'd job).</param>
/// <param name="EngineError">The engine's own error about it, if any.</param>
/// <param name="CancelledHere">Whether this session killed it: the executor cancelled the job, or the session closed.</param>
/// <param name="Log">The last lines it wrote.</param>
internal sealed record ContainerEndFacts(string Container, long ExitCode, bool OomKilled, string? EngineError, bool CancelledHere, string Log);

/// <summary>
/// What a job's container's end means, in the words every backend reports in (<see cref="BatchJobOutcome"/>): pure
/// functions of what the session saw, with no engine call. The executor's <see cref="Retries.JobEndClassifier"/> then
/// reads the outcome, with what it found of the job's output, to decide between succeeded, the user's error, lost to the
/// infrastructure (retried), cancelled, out of memory and timed out: one decision, for every backend.
/// </summary>
internal static class ContainerEnds
{
    /// <summary>The exit code of a command that could not be executed (the init's, when the image has no dotnet).</summary>
    public const int CommandNotFound = 127;

    /// <summary>The exit code of the dotnet host when the framework the worker needs is not installed (0x80008096).</summary>
    public const int HostFrameworkMissing = 0x96;

    /// <summary>A job whose session closed before its container started.</summary>
    public static readonly BatchJobOutcome ShutDownBeforeStart = new(BatchJobState.Cancelled, Detail: "the executor shut down before the job started");

    /// <summary>A job cancelled before its container started.</summary>
    public static readonly BatchJobOutcome CancelledBeforeStart = new(BatchJobState.Cancelled, Detail: "cancelled before it started");

    /// <summary>How a container's end reads: out of memory, success, our own cancel, an image that cannot run the worker, a signal, an exit code.</summary>
    /// <param name="end">What the session saw.</param>
    /// <param name="image">The session's image, for messages.</param>
    /// <param name="memoryLimit">The containers' memory limit (<c>memoryPerJob</c>), if any.</param>
    public static BatchJobOutcome OutcomeOf(ContainerEndFacts end, string image, long? memoryLimit)
    {
        ArgumentNullException.ThrowIfNull(end);
        var code = (int)end.ExitCode;
        // As a shell and the engine say it: 128 + N is "killed by signal N".
        int? signal = code > 128 ? code - 128 : null;
        if (end.OomKilled)
        {
            var limit = memoryLimit is { } bytes ? $"its memory limit of {MemorySize.Describe(bytes)} (memoryPerJob)" : "the memory it could get";
            return new BatchJobOutcome(BatchJobState.OutOfMemory, null, signal, end.Log,
                $"out of memory: container {end.Container} was killed by the kernel for going over {limit}");
        }
        if (code == 0)
        {
            // Exit 0 without an output is the executor's to judge (JobEndClassifier: lost).
            return new BatchJobOutcome(BatchJobState.Succeeded, 0, LogTail: end.Log);
        }
        if (end.CancelledHere)
        {
            return new BatchJobOutcome(BatchJobState.Cancelled, null, signal, end.Log, $"cancelled: container {end.Container} was killed");
        }
        // An image that cannot run the worker ends as the worker protocol says it (RuntimeMissing, as the Slurm job script
        // reports a node without the runtime): the user's to fix, never retried. The host's own code (150 is 0x80008096)
        // would read as "killed by signal 22".
        if (code == CommandNotFound && end.Log.Contains("exec dotnet failed", StringComparison.Ordinal))
        {
            // The engine's init could not find the dotnet host in the image.
            return new BatchJobOutcome(BatchJobState.Failed, WorkerProtocol.RuntimeMissing, null, end.Log,
                $"image '{image}' cannot start the worker, it has no .NET runtime (exit code {code}): {NeedsRuntime}");
        }
        if (code == HostFrameworkMissing || end.Log.Contains("You must install or update .NET", StringComparison.Ordinal))
        {
            return new BatchJobOutcome(BatchJobState.Failed, WorkerProtocol.RuntimeMissing, null, end.Log,
                $"image '{image}' has no .NET runtime that runs the worker (exit code {code}): {NeedsRuntime}");
        }
        if (code > 128 && code < 128 + 65 && signal is { } killedBy)
        {
            // A signal we did not send: docker kill, the engine stopping its containers, the kernel.
            return new BatchJobOutcome(BatchJobState.Failed, null, killedBy, end.Log, $"container {end.Container} was killed by signal {killedBy}{(code == 137 ? " (SIGKILL)" : "")}");
        }
        return new BatchJobOutcome(BatchJobState.Failed, code, null, end.Log, $"the worker in container {end.Container} exited with code {code}" +
            (string.IsNullOrEmpty(end.EngineError) ? "" : $"; the engine says: {end.EngineError}"));
    }

    /// <summary>A job whose container could not be created (no exit code: lost to the infrastructure, run again).</summary>
    public static BatchJobOutcome CreateFailed(string image, string engineMessage) =>
        new(BatchJobState.Failed, Detail: $"its container could not be created from image '{image}': {engineMessage}");

    /// <summary>A job whose container could not start: an image without the worker's runtime, or the engine's error.</summary>
    public static BatchJobOutcome StartFailed(string image, string engineMessage, string? log) =>
        new(BatchJobState.Failed, LogTail: log, Detail: StartFailure(image, engineMessage));

    /// <summary>A job whose container the engine lost track of while it ran (removed under it, or gone with an engine that did not come back).</summary>
    public static BatchJobOutcome EngineLost(string container, string engineMessage) =>
        new(BatchJobState.Lost, Detail: $"the engine lost container {container}: {engineMessage}");

    /// <summary>The start failure's words: the engine's, or that the image has no runtime for the worker.</summary>
    public static string StartFailure(string image, string engineMessage) =>
        IsMissingExecutable(engineMessage)
            ? $"image '{image}' cannot start the worker, it has no .NET runtime: {NeedsRuntime} The engine says: {engineMessage}"
            : $"its container could not start from image '{image}': {engineMessage}";

    /// <summary>Whether the engine's words say that the command (dotnet) is not in the image.</summary>
    public static bool IsMissingExecutable(string engineMessage) =>
        engineMessage.Contains("executable file not found", StringComparison.Ordinal) || engineMessage.Contains("no such file or directory", StringComparison.Ordinal);

    /// <summary>The exit code of an exec'd process the engine's runtime could not start (the container stopping under it, say).</summary>
    public const int ExecNotRun = 126;

    /// <summary>
    /// A reused container's job (an exec'd process): whether the engine could not run it at all (exit 126: lost, run again),
    /// whether its end is the container's own (the container stopped under it, its idle worker died: read the container's
    /// end instead), and whether the container can take the next job.
    /// </summary>
    /// <param name="execExitCode">The exec'd job's exit code.</param>
    /// <param name="containerRunning">Whether the container still ran when it was inspected.</param>
    /// <param name="oomKilled">Whether the job (or the container) was killed for its memory.</param>
    /// <param name="cancelledHere">Whether this session killed it.</param>
    public static (bool NotRun, bool ContainerDied, bool Keep) ExecEnd(long execExitCode, bool containerRunning, bool oomKilled, bool cancelledHere)
    {
        // A docker kill of the container as the exec starts: the exec fails with 126 while the engine still says running.
        // A container already stopped gives 126 too ("cannot exec in a stopped state"): its own end says why (killed: run
        // again; its idle worker died for want of a runtime: the user's error).
        var notRun = execExitCode == ExecNotRun && containerRunning && !oomKilled && !cancelledHere;
        return (notRun,
            !notRun && !containerRunning && !oomKilled && !cancelledHere && execExitCode != 0,
            !notRun && containerRunning && !oomKilled && !cancelledHere && execExitCode is >= 0 and < 128);
    }

    /// <summary>A reused container's job the engine could not run (<see cref="ExecNotRun"/>): lost, run again; the container is not reused.</summary>
    public static BatchJobOutcome NotRunIn(string container, string log) =>
        new(BatchJobState.Lost, LogTail: log, Detail: $"the engine could not run the job in container {container} (exit code {ExecNotRun})");

    private static string NeedsRuntime =>
        $"the worker needs the .NET {WorkerDistribution.RuntimeVersion} runtime (Microsoft.NETCore.App {WorkerDistribution.RuntimeVersion}.x) " +
        $"and a 'dotnet' on the image's PATH. Use the default image {DockerBackend.DefaultImage}, or an image built FROM " +
        $"mcr.microsoft.com/dotnet/runtime:{WorkerDistribution.RuntimeVersion}.";
}
