using System.CommandLine;
using BatchPool.Cli;
using BatchPool.Cli.Commands;

var rootOption = new Option<string?>("--root")
{
    Description = "Where the executors are: local:FOLDER, slurm:FOLDER, docker:FOLDER, or a folder. Default: BATCHPOOL_BACKEND, else the local backend's folder.",
    Recursive = true,
};
var jsonOption = new Option<bool>("--json") { Description = "Write JSON for scripts instead of text.", Recursive = true };

// Not a RootCommand: its name, which help's usage line shows, is the name of the file that runs (BatchPool.Cli.dll
// under the tool's shim); the tool's command is batchpool wherever it is installed.
var command = new Command("batchpool", "batchpool: see and manage BatchPool executors (status, logs, cancel, clean, doctor, dashboard) from their folder.")
{
    new System.CommandLine.Help.HelpOption(),
    new VersionOption(),
};
command.Options.Add(rootOption);
command.Options.Add(jsonOption);

var statusName = new Argument<string?>("NAME") { Description = "An executor: list its jobs.", Arity = ArgumentArity.ZeroOrOne };
var status = new Command("status", "Every executor (name, backend, client alive or gone, counts, age); with a name, its jobs.") { statusName };
status.SetAction(parse => Run(parse, (root, output) => Task.FromResult(StatusCommand.Run(root, parse.GetValue(statusName), output))));
command.Subcommands.Add(status);

var logsName = new Argument<string>("NAME") { Description = "The executor." };
var logsJob = new Argument<string?>("JOB") { Description = "A job: its call name, or its number in `batchpool status NAME`.", Arity = ArgumentArity.ZeroOrOne };
var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing logs as calls end, until every job ended or the client is gone." };
var logs = new Command("logs", "What the jobs printed (standard output and error of every call).") { logsName, logsJob, follow };
logs.SetAction((parse, cancel) => Run(parse, (root, output) => LogsCommand.RunAsync(root, parse.GetValue(logsName)!, parse.GetValue(logsJob), parse.GetValue(follow), output, cancel)));
command.Subcommands.Add(logs);

var cancelName = new Argument<string>("NAME") { Description = "The executor." };
var cancelJob = new Argument<string?>("JOB") { Description = "A job (call name or number); default: every job not ended.", Arity = ArgumentArity.ZeroOrOne };
var cancelCommand = new Command("cancel", "Stops jobs: a running client cancels them (its futures end cancelled); for a client that is gone, the tool stops them on the engine (scancel, container removal).") { cancelName, cancelJob };
cancelCommand.SetAction((parse, cancel) => Run(parse, (root, output) => CancelCommand.RunAsync(root, parse.GetValue(cancelName)!, parse.GetValue(cancelJob), output, cancel)));
command.Subcommands.Add(cancelCommand);

var olderThan = new Option<string?>("--older-than") { Description = "Only executors not seen for this long: 90s, 30m, 12h, 7d." };
var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask first." };
var clean = new Command("clean", "Removes the folders of executors whose client is gone, and their leftover Slurm jobs and containers; asks first.") { olderThan, yes };
clean.SetAction(parse => Run(parse, (root, output) => Task.FromResult(CleanCommand.Run(
    root, parse.GetValue(olderThan) is { } age ? AgeText.Parse(age) : null, parse.GetValue(yes), Console.In, !Console.IsInputRedirected, output))));
command.Subcommands.Add(clean);

var image = new Option<string?>("--image") { Description = "The worker image to check (Docker); default: BatchPool's." };
var doctor = new Command("doctor", "Checks the configured backend end to end and says how to fix each failed check.") { image };
doctor.SetAction(parse => Run(parse, (root, output) => Task.FromResult(DoctorCommand.Run(root, parse.GetValue(image), output))));
command.Subcommands.Add(doctor);

var port = new Option<int>("--port", "-p") { Description = "The port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => DashboardCommand.DefaultPort };
var dashboard = new Command("dashboard", "Serves the web dashboard on 127.0.0.1 until Ctrl+C.") { port };
dashboard.SetAction((parse, cancel) => Run(parse, (root, output) => DashboardCommand.RunAsync(root, parse.GetValue(port), output, cancel)));
command.Subcommands.Add(dashboard);

var parsed = command.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"batchpool: {error.Message}");
    }
    Console.Error.WriteLine("Try `batchpool --help`.");
    return ExitCodes.Usage;
}
return await parsed.InvokeAsync();

async Task<int> Run(ParseResult parse, Func<ToolRoot, ToolOutput, Task<int>> action)
{
    var output = new ToolOutput(Console.Out, Console.Error, parse.GetValue(jsonOption));
    try
    {
        var root = ToolRoot.Resolve(parse.GetValue(rootOption), Environment.GetEnvironmentVariable(ToolRoot.BackendVariable), Path.GetTempPath());
        return await action(root, output);
    }
    catch (ToolException e)
    {
        Console.Error.WriteLine($"batchpool: {e.Message}");
        return e.ExitCode;
    }
    catch (OperationCanceledException)
    {
        return ExitCodes.Ok;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or BatchPool.Status.StatusReadException)
    {
        Console.Error.WriteLine($"batchpool: {e.Message}");
        return e is BatchPool.Status.StatusReadException ? ExitCodes.Unreadable : ExitCodes.Failed;
    }
}
