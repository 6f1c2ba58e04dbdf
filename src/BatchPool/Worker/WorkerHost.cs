using System.Text;
using BatchPool.Codec;

namespace BatchPool.Worker;

/// <summary>The worker program's entry point; see <see cref="WorkerProtocol"/> for its command line.</summary>
internal static class WorkerHost
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        var log = Console.Error;
        switch (arguments.FirstOrDefault())
        {
            case WorkerProtocol.RunCommand:
                var secret = Environment.GetEnvironmentVariable(WorkerProtocol.SecretVariable);
                if (string.IsNullOrEmpty(secret))
                {
                    await log.WriteLineAsync($"batchpool worker: {WorkerProtocol.SecretVariable} is not set; the job's payload cannot be authenticated.").ConfigureAwait(false);
                    return WorkerProtocol.BadArguments;
                }
                // The user's code has no business with the key.
                Environment.SetEnvironmentVariable(WorkerProtocol.SecretVariable, null);
                return await new JobRunner(new PayloadCodec(Convert.FromBase64String(secret)), log).RunAsync(arguments).ConfigureAwait(false);
            case WorkerProtocol.ServeCommand:
                return await ServeAsync(log).ConfigureAwait(false);
            default:
                await log.WriteLineAsync("usage: BatchPool.Worker run --storage LOCATOR --folder FOLDER --call CALL | serve").ConfigureAwait(false);
                return WorkerProtocol.BadArguments;
        }
    }

    private static async Task<int> ServeAsync(TextWriter log)
    {
        // Standard output carries the protocol alone: what user code prints goes to the log.
        var replies = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        Console.SetOut(log);
        var requests = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
        var secret = await requests.ReadLineAsync().ConfigureAwait(false);
        if (string.IsNullOrEmpty(secret))
        {
            return WorkerProtocol.BadArguments;
        }
        var runner = new JobRunner(new PayloadCodec(Convert.FromBase64String(secret)), log);

        // Watch standard input on its own thread: when the client goes away (it closes our input, or dies), stop at once,
        // even in the middle of a job that would otherwise run forever.
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var watcher = new Thread(() =>
        {
            while (requests.ReadLine() is { } line)
            {
                lines.Writer.TryWrite(line);
            }
            log.Flush();
            Environment.Exit(0);
        })
        { IsBackground = true, Name = "batchpool-stdin" };
        watcher.Start();

        await foreach (var line in lines.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var code = await runner.RunAsync(line.Split('\t')).ConfigureAwait(false);
            await log.FlushAsync().ConfigureAwait(false);
            await replies.WriteLineAsync($"{WorkerProtocol.DoneReply}\t{code}").ConfigureAwait(false);
        }
        return 0;
    }
}
