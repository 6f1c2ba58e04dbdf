using System.Diagnostics;
using System.Text;

namespace BatchPool.Tests.Watch;

/// <summary>
/// The programs the watch tests run as a user would: the <c>batchpool</c> tool and the scenario's app, from this
/// repository's build (<c>dotnet path/to/BatchPool.Cli.dll</c>), each its own process.
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

    public static string Nightly => Built("samples/Nightly", "Nightly.dll");

    /// <summary>Where the tests keep what a person looks at afterwards (the browser's screenshots).</summary>
    public static string Artefacts
    {
        get
        {
            var folder = Path.Combine(Repository.Value, "tests", "BatchPool.Tests", "TestResults", "watch");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    private static string Built(string project, string file)
    {
        var path = Path.Combine(Repository.Value, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built (the test project builds it).");
    }

    /// <summary>Starts <c>dotnet ASSEMBLY ARGS</c> with <paramref name="environment"/>; its output is collected.</summary>
    public static Running Start(string assembly, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
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

    /// <summary>Runs the tool to its end; fails the test if it takes over two minutes.</summary>
    public static (int ExitCode, string Output, string Errors) RunTool(string root, params string[] arguments)
    {
        using var tool = Start(Tool, new Dictionary<string, string?> { ["BATCHPOOL_BACKEND"] = null }, ["--root", root, .. arguments]);
        tool.Process.StandardInput.Close();
        Assert.True(tool.Process.WaitForExit(TimeSpan.FromMinutes(2)), $"batchpool {string.Join(' ', arguments)} did not end");
        tool.Process.WaitForExit();
        return (tool.Process.ExitCode, tool.Output, tool.Errors);
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
