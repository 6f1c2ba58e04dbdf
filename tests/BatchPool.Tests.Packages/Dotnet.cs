using System.Diagnostics;
using System.Text;

namespace BatchPool.Tests.Packages;

/// <summary>What a finished command printed (its output and errors together, as they came) and its exit code.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"`{Command}` exited {ExitCode}:\n{Output}";
}

/// <summary>
/// Runs the dotnet CLI (and programs built or installed with it) as a person would in a terminal: in a folder of its own, with the
/// machine's environment less what the test host adds (MSBuild's and the test platform's variables, which would steer
/// a nested build) and less BatchPool's settings (each test sets the ones it means).
/// </summary>
public static class Dotnet
{
    /// <summary>No command here takes this long on a busy machine; past it the command is killed and the test fails.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    private static readonly string[] DroppedPrefixes = ["MSBUILD", "VSTEST", "TESTINGPLATFORM", "BATCHPOOL_", "DOTNET_HOST_PATH"];

    /// <summary>Runs <c>dotnet ARGUMENTS</c> in <paramref name="folder"/>; fails the test, with what it printed, unless it exits 0.</summary>
    public static async Task<CommandResult> Succeed(string folder, params string[] arguments)
    {
        var result = await Run(folder, null, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>Runs <c>dotnet ARGUMENTS</c> in <paramref name="folder"/> with <paramref name="environment"/> added.</summary>
    public static Task<CommandResult> Run(string folder, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        RunProgram("dotnet", folder, environment, arguments);

    /// <summary>Runs <paramref name="program"/> (dotnet, or a program installed with it) to its end, as <see cref="Run"/> does.</summary>
    public static async Task<CommandResult> RunProgram(string program, string folder, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = StartInfo(program, folder, environment, arguments);
        var command = Path.GetFileName(program) + " " + string.Join(' ', arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"`{command}` in {folder} did not end within {Limit.TotalMinutes} minutes; it printed:\n{Text(output)}");
        }
        // The asynchronous readers have seen the end of both streams once WaitForExit returns without a timeout.
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, Text(output));
    }

    /// <summary>
    /// Starts <paramref name="program"/> in <paramref name="folder"/> and returns while it runs (an app that a test watches
    /// from another process, a server); its output is collected as it comes. Disposing it kills what still runs.
    /// </summary>
    public static RunningProgram Start(string program, string folder, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var process = new Process { StartInfo = StartInfo(program, folder, environment, arguments) };
        return new RunningProgram(process, Path.GetFileName(program) + " " + string.Join(' ', arguments));
    }

    /// <summary>The process of a command: the machine's environment less the test host's variables, with <paramref name="environment"/> added.</summary>
    private static ProcessStartInfo StartInfo(string program, string folder, IReadOnlyDictionary<string, string>? environment, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.ToList())
        {
            if (DroppedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return start;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
