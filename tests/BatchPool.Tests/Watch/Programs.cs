using System.Diagnostics;
using System.Text;

namespace BatchPool.Tests.Watch;

/// <summary>
/// The <c>batchpool</c> tool as the tool's tests run it, from this repository's build
/// (<c>dotnet path/to/BatchPool.Cli.dll</c>), its own process. The watch scenario runs it installed from the packed
/// packages instead (BatchPool.Tests.Packages' NightlyScenarioTests).
/// </summary>
public static class Programs
{
    private static readonly Lazy<string> Repository = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "BatchPool.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No BatchPool.slnx above {AppContext.BaseDirectory}.");
    });

    /// <summary>Release or Debug: the tests' own build.</summary>
    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string Tool => Built("src/BatchPool.Cli", "BatchPool.Cli.dll");

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Repository.Value, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (the test project builds it).");
    }

    /// <summary>Starts <c>dotnet ASSEMBLY ARGS</c> with <paramref name="environment"/>; its output is collected.</summary>
    public static Running Start(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        StartProgram("dotnet", [assembly, .. arguments], environment);

    /// <summary>Starts <paramref name="program"/> with <paramref name="environment"/> (a null value removes a variable); its output is collected.</summary>
    public static Running StartProgram(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return new Running(Process.Start(start)!);
    }

    /// <summary>The tool's environment: BATCHPOOL_BACKEND unset (each test names its root with --root).</summary>
    public static IReadOnlyDictionary<string, string?> ToolEnvironment { get; } = new Dictionary<string, string?> { ["BATCHPOOL_BACKEND"] = null };

    /// <summary>Runs the tool to its end; fails the test if it takes over five minutes (the doctor runs a job on a cluster).</summary>
    public static (int ExitCode, string Output, string Errors) RunTool(string root, params string[] arguments) =>
        RunToEnd(Start(Tool, ToolEnvironment, ["--root", root, .. arguments]));

    /// <summary>Waits for a program <see cref="StartProgram"/> started to end; fails the test if it takes over five minutes.</summary>
    public static (int ExitCode, string Output, string Errors) RunToEnd(Running started)
    {
        using var program = started;
        program.Process.StandardInput.Close();
        Assert.True(program.Process.WaitForExit(TimeSpan.FromMinutes(5)), $"{program.Process.StartInfo.FileName} {string.Join(' ', program.Process.StartInfo.ArgumentList)} did not end: {program.Output} {program.Errors}");
        program.Process.WaitForExit();
        return (program.Process.ExitCode, program.Output, program.Errors);
    }

    /// <summary>A program running, its output collected as it comes.</summary>
    public sealed class Running : IDisposable
    {
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _errors = new();

        public Running(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (_output) { _output.AppendLine(e.Data); } } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_errors) { _errors.AppendLine(e.Data); } } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output { get { lock (_output) { return _output.ToString(); } } }

        public string Errors { get { lock (_errors) { return _errors.ToString(); } } }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }
    }
}
