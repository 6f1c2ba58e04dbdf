using System.Diagnostics;
using System.Security.Cryptography;
using BatchPool.Backends;
using BatchPool.Backends.Local;

namespace BatchPool.Tests.Worker;

/// <summary>
/// The serve protocol's opening and recycling, against real worker processes: the hello, the notice that the worker is up,
/// and its answer to a recycle request.
/// </summary>
public sealed class ServeProtocolTests
{
    private static BatchSessionOptions Options() => new("serve-protocol-test", WorkerDistribution.Locate(), RandomNumberGenerator.GetBytes(32));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_worker_says_it_is_up_after_its_hello_and_before_any_job(bool spare)
    {
        var options = Options();
        using var worker = LocalWorkerProcess.Start(LocalWorkerProcess.StartInfo(options, spare));
        Assert.Equal(spare, worker.IsSpare);
        Assert.False(worker.IsReady);
        if (spare)
        {
            // A spare waits for its hello as long as it takes (it warms up meanwhile).
            Thread.Sleep(300);
            Assert.False(worker.HasExited);
        }
        worker.Connect(options.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test/", recyclable: false);
        var reply = worker.Receive();
        Assert.Equal(WorkerReplyKind.Ready, reply.Kind);
        Assert.True(worker.IsReady);
    }

    [Fact]
    public void A_recycled_worker_says_so_and_is_up_again_after_the_next_executors_hello()
    {
        var options = Options();
        using var worker = LocalWorkerProcess.Start(LocalWorkerProcess.StartInfo(options, spare: false));
        worker.Connect(options.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test/", recyclable: true);
        Assert.Equal(WorkerReplyKind.Ready, worker.Receive().Kind);

        Assert.True(worker.Recycle());
        Assert.False(worker.IsReady);
        Assert.True(worker.IsRecycling);
        Assert.True(worker.IsSpare);
        Assert.Equal(WorkerReplyKind.Recycled, worker.Receive().Kind);
        Assert.False(worker.IsRecycling);

        var next = Options();
        worker.Connect(next.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test-next/", recyclable: true);
        Assert.Equal(WorkerReplyKind.Ready, worker.Receive().Kind);
        Assert.True(worker.IsReady);
    }

    [Fact]
    public void A_worker_whose_hello_did_not_ask_for_recycling_exits_when_asked_to_recycle()
    {
        var options = Options();
        using var worker = LocalWorkerProcess.Start(LocalWorkerProcess.StartInfo(options, spare: false));
        worker.Connect(options.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test/", recyclable: false);
        Assert.Equal(WorkerReplyKind.Ready, worker.Receive().Kind);

        Assert.True(worker.Recycle());
        var reply = worker.Receive();
        Assert.Equal(WorkerReplyKind.Died, reply.Kind);
        Assert.Contains("loaded for good", reply.Outcome!.LogTail, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_runtime_prints_to_standard_output_before_and_after_main_goes_to_the_log_not_into_the_replies()
    {
        var options = Options();
        var start = LocalWorkerProcess.StartInfo(options, spare: false);
        // The JIT prints a line per method it compiles to descriptor 1, natively: before Main, and on after it.
        start.Environment["DOTNET_JitDisasmSummary"] = "1";
        start.Environment.Remove("DOTNET_JitStdOutFile");
        using var worker = LocalWorkerProcess.Start(start);
        worker.Connect(options.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test/", recyclable: false);
        Assert.Equal(WorkerReplyKind.Ready, worker.Receive().Kind);

        // A worker not recyclable exits when asked to recycle, and its death gives its log.
        Assert.True(worker.Recycle());
        var log = worker.Receive().Outcome!.LogTail!;
        Assert.Contains("loaded for good", log, StringComparison.Ordinal);
        // Printed after the replies moved (the log keeps the last lines only: the exit's own methods are among them).
        Assert.Contains("JIT compiled", log, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worker_whose_output_is_not_the_protocol_is_stopped_and_reported_at_once()
    {
        // Not a worker: a process that says the preamble, then prints text, then would wait for half a minute.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '\\000BatchPool serve 1\\nthis is not a reply\\n'; exec sleep 30");
        using var process = LocalWorkerProcess.Start(start);
        var options = Options();
        process.Connect(options.Secret, Path.GetTempPath(), "batch-pool-executor/serve-protocol-test/", recyclable: false);

        var waited = Stopwatch.StartNew();
        var reply = process.Receive();

        Assert.Equal(WorkerReplyKind.Died, reply.Kind);
        Assert.Equal(BatchJobState.Lost, reply.Outcome!.State);
        Assert.Contains("not a reply", reply.Outcome.Detail, StringComparison.Ordinal);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"the reply took {waited.Elapsed}");
        Assert.True(process.KilledOnPurpose);
        Assert.True(SpinWait.SpinUntil(() => process.HasExited, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_spare_whose_input_closes_before_its_hello_exits_by_itself()
    {
        var worker = LocalWorkerProcess.Start(LocalWorkerProcess.StartInfo(Options(), spare: true));
        var id = worker.Id;
        // Dispose closes its input, then waits up to 2 s before it kills: a spare that exits by itself is gone well before.
        var closing = Stopwatch.StartNew();
        worker.Dispose();
        Assert.True(closing.Elapsed < TimeSpan.FromSeconds(1.5), $"the spare took {closing.Elapsed} to exit");
        Assert.False(Processes.IsRunning(id));
    }
}
