using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BatchPool.Backends;

namespace BatchPool.Bench;

/// <summary>
/// Runs one workload in a fresh process of this bench (<c>dotnet BatchPool.Bench.dll --workload N</c>), so that its
/// figures (a cold start, a peak RSS) are not those of the bench's own process. The child answers with one JSON line.
/// </summary>
internal static class ChildProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public static T Run<T>(int workload) => RunTimed<T>(workload).Answer;

    /// <summary>Runs the bench with <paramref name="arguments"/> in a child process (<paramref name="what"/> names it in errors).</summary>
    public static T Run<T>(IReadOnlyList<string> arguments, string what) => RunTimed<T>(arguments, what).Answer;

    /// <summary>Runs the child for one workload and returns its answer and the seconds from its spawn to its exit.</summary>
    public static (T Answer, double SpawnToExit) RunTimed<T>(int workload) =>
        RunTimed<T>(["--workload", workload.ToString(CultureInfo.InvariantCulture)], $"Workload {workload}");

    /// <summary>Runs the bench with <paramref name="arguments"/> in a child process and returns its answer and the seconds from its spawn to its exit.</summary>
    public static (T Answer, double SpawnToExit) RunTimed<T>(IReadOnlyList<string> arguments, string what)
    {
        var (output, spawnToExit) = RunToExit(arguments, what);
        var answer = output.Split('\n').LastOrDefault(line => line.StartsWith('{'))
            ?? throw new InvalidOperationException($"{what}'s child process gave no answer: {Tail(output)}");
        return (JsonSerializer.Deserialize<T>(answer) ?? throw new InvalidOperationException($"{what}'s child answered null."), spawnToExit);
    }

    /// <summary>Seconds from spawning <c>dotnet BatchPool.Bench.dll ARGS</c> (no output expected) to its exit.</summary>
    public static double SpawnToExit(params string[] arguments) =>
        RunToExit(arguments, $"The child process ({string.Join(' ', arguments)})").SpawnToExit;

    /// <summary>Runs the bench with <paramref name="arguments"/> to its exit: its standard output and the seconds from its spawn; a failure throws, naming <paramref name="what"/>.</summary>
    private static (string Output, double SpawnToExit) RunToExit(IReadOnlyList<string> arguments, string what)
    {
        var start = new ProcessStartInfo(WorkerDistribution.DotnetHostPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the bench's child process.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what}'s child process did not finish within {Timeout}.");
        }
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        return process.ExitCode == 0
            ? (output.Result, seconds)
            : throw new InvalidOperationException($"{what}'s child process exited with {process.ExitCode}: {Tail(errors.Result + output.Result)}");
    }

    /// <summary>The child's side: the answer, as the last line of standard output.</summary>
    public static void Reply<T>(T answer) => Console.Out.WriteLine(JsonSerializer.Serialize(answer));

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
