using System.Globalization;
using System.Text;
using BatchPool.Worker;

namespace BatchPool.Backends.Slurm;

/// <summary>
/// The batch script of an executor's jobs. Each array task reads its worker arguments from line (task + 1) of the jobs
/// file named by the script's first argument, runs the shipped worker with the node's <c>dotnet</c> (inside the image's
/// container, when a container launcher is configured). It marks its start and records the worker's exit code in the
/// status folder, where the client notices both at once.
/// </summary>
internal static class SlurmJobScript
{
    /// <summary>The script's second argument for an array whose tasks each run several jobs.</summary>
    public const string PackedArgument = "packed";

    public static string Compose(string dotnetPath, string workerPath, string statusFolder, IReadOnlyList<string>? containerLauncher)
    {
        var runtime = WorkerDistribution.RuntimeVersion;
        var launcher = containerLauncher is null ? "" : string.Join(' ', containerLauncher.Select(Quote)) + " ";
        var script = new StringBuilder();
        script.Append(CultureInfo.InvariantCulture, $$"""
            #!/bin/bash
            # A BatchPool job. Argument 1: the file with one task's worker arguments per line, tab-separated; argument 2: 'packed' or nothing.
            set -u
            task="${SLURM_ARRAY_TASK_ID:-0}"
            node="${SLURMD_NODENAME:-$(hostname)}"
            dotnet={{Quote(dotnetPath)}}
            status={{Quote(statusFolder)}}/"${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}_$task"
            : > "$status.start"
            mapfile -t -s "$task" -n 1 line < "$1"
            IFS=$'\t' read -r -a arguments <<< "${line[0]}"
            # A packed task (argument 2) runs several jobs; the worker marks each one's start and end beside the task's.
            if [ "${2:-}" = {{PackedArgument}} ]; then arguments+=({{WorkerProtocol.StatusOption}} "$status"); fi

            """);
        if (containerLauncher is null)
        {
            script.Append(CultureInfo.InvariantCulture, $$"""
                if ! command -v "$dotnet" > /dev/null 2>&1; then
                  echo "batchpool: node $node has no .NET runtime: '$dotnet' was not found; the worker needs Microsoft.NETCore.App {{runtime}}" >&2
                  exit {{WorkerProtocol.RuntimeMissing}}
                fi

                """);
        }
        script.Append(CultureInfo.InvariantCulture, $$"""
            {{launcher}}"$dotnet" {{Quote(workerPath)}} "${arguments[@]}"
            code=$?

            """);
        if (containerLauncher is null)
        {
            // Only after a failure, so that healthy jobs pay nothing for it; inside a container the image's runtime is not
            // this node's, and the image's own error says what is missing.
            script.Append(CultureInfo.InvariantCulture, $$"""
                if [ "$code" -ne 0 ] && [ "$code" -lt 128 ] && ! "$dotnet" --list-runtimes 2> /dev/null | grep -q '^Microsoft.NETCore.App {{runtime.Replace(".", "\\.", StringComparison.Ordinal)}}\.'; then
                  echo "batchpool: node $node has no .NET {{runtime}} runtime for the worker; '$dotnet' offers: $("$dotnet" --list-runtimes 2>&1 | tr '\n' ';')" >&2
                  code={{WorkerProtocol.RuntimeMissing}}
                fi

                """);
        }
        script.Append(CultureInfo.InvariantCulture, $$"""
            printf '%s\n' "$code" > "$status.tmp" && mv -f "$status.tmp" "$status.exit"
            exit "$code"

            """);
        return script.ToString();
    }

    /// <summary>One job's line of the jobs file.</summary>
    public static string JobLine(IReadOnlyList<string> workerArguments)
    {
        if (workerArguments.FirstOrDefault(a => a.Contains('\t', StringComparison.Ordinal) || a.Contains('\n', StringComparison.Ordinal)) is { } bad)
        {
            throw new ArgumentException($"A worker argument holds a tab or a line break: '{bad}'.", nameof(workerArguments));
        }
        return string.Join('\t', workerArguments);
    }

    /// <summary>A word for bash, in single quotes.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
