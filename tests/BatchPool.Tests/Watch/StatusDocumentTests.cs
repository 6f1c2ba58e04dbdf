using System.Text;
using BatchPool.Status;
using BatchPool.Tests.Executor;

namespace BatchPool.Tests.Watch;

/// <summary>The status document an executor keeps in its folder, and how it is read.</summary>
public sealed class StatusDocumentTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private readonly TestBackend _backend = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public void A_running_executor_writes_its_jobs_states_where_they_run_and_its_client_then_says_it_ended()
    {
        var gate = Path.Combine(_backend.Root, "gate");
        string folder;
        using (var bpe = new BatchPoolExecutor(name: "status-doc", backend: _backend.Backend, cleanupBucket: false))
        {
            folder = _backend.FolderOf(bpe);
            var quick = bpe.Submit(() => 1);
            var waiting = bpe.Submit(() =>
            {
                while (!File.Exists(gate))
                {
                    Thread.Sleep(20);
                }
                return 2;
            });
            Assert.Equal(1, quick.Result(Long));
            Assert.True(SpinWait.SpinUntil(() => waiting.Running, Long));
            ExecutorStatus? seen = null;
            Assert.True(SpinWait.SpinUntil(() => (seen = TryRead(folder)) is { Counts: { Running: 1, Succeeded: 1 } }, Long), $"last seen: {seen}");
            Assert.Equal(ExecutorStatus.CurrentSchema, seen!.Schema);
            Assert.Equal("status-doc", seen.Name);
            Assert.Equal("local", seen.Backend);
            Assert.Equal(Environment.ProcessId, seen.Client.ProcessId);
            Assert.Equal(Environment.MachineName, seen.Client.Host);
            Assert.Null(seen.Ended);
            Assert.Equal(ClientState.Alive, ClientLiveness.Of(seen));
            Assert.Equal([JobStates.Succeeded, JobStates.Running], seen.Jobs.Select(j => j.State));
            Assert.All(seen.Jobs, job =>
            {
                Assert.Equal(1, job.Attempts);
                Assert.Contains($"pid ", job.Location, StringComparison.Ordinal);
                Assert.NotNull(job.Started);
                Assert.NotNull(job.EngineId);
            });
            Assert.NotNull(seen.Jobs[0].Ended);
            Assert.True(seen.Jobs[0].Ended >= seen.Jobs[0].Started);
            File.WriteAllText(gate, "");
            Assert.Equal(2, waiting.Result(Long));
        }
        var last = StatusReader.Read(folder);
        Assert.NotNull(last.Ended);
        Assert.Equal(new StatusCounts(0, 0, 2, 0, 0), last.Counts);
        Assert.Equal(ClientState.Ended, ClientLiveness.Of(last));
    }

    [Fact]
    public void A_job_run_again_after_its_worker_was_killed_shows_its_attempts_and_ends_succeeded()
    {
        // The telemetry's transitions feed the document: the retry (a real SIGKILL of the worker) and the end.
        string folder;
        using (var bpe = new BatchPoolExecutor(name: "status-retried", backend: _backend.Backend, cleanupBucket: false))
        {
            folder = _backend.FolderOf(bpe);
            var marker = Path.Combine(_backend.Root, "killed-once");
            var future = bpe.Submit((string killed) =>
            {
                if (!File.Exists(killed))
                {
                    File.WriteAllText(killed, "");
                    System.Diagnostics.Process.GetCurrentProcess().Kill();
                }
                return 5;
            }, marker);
            Assert.Equal(5, future.Result(Long));
        }
        var job = Assert.Single(StatusReader.Read(folder).Jobs);
        Assert.Equal(JobStates.Succeeded, job.State);
        Assert.Equal(2, job.Attempts);
        Assert.NotNull(job.EngineId);
        Assert.NotNull(job.Ended);
    }

    [Fact]
    public void A_call_that_throws_is_a_failed_job_with_its_error_and_a_cancelled_one_is_cancelled()
    {
        string folder;
        using (var bpe = new BatchPoolExecutor(name: "status-failures", backend: _backend.Backend, cleanupBucket: false))
        {
            folder = _backend.FolderOf(bpe);
            var thrown = bpe.Submit(() => throw new ArgumentException("no good\nsecond line"));
            var sleeping = bpe.Submit(() => { Thread.Sleep(Timeout.Infinite); return 0; });
            Assert.IsType<ArgumentException>(thrown.Exception(Long));
            Assert.True(sleeping.Cancel());
        }
        var status = StatusReader.Read(folder);
        Assert.Equal(JobStates.Failed, status.Jobs[0].State);
        Assert.Equal("System.ArgumentException: no good", status.Jobs[0].Error);
        Assert.Equal(JobStates.Cancelled, status.Jobs[1].State);
        Assert.Equal(new StatusCounts(0, 0, 0, 1, 1), status.Counts);
    }

    [Fact]
    public void With_cleanupBucket_the_folder_and_its_status_go()
    {
        string folder;
        using (var bpe = new BatchPoolExecutor(backend: _backend.Backend))
        {
            folder = _backend.FolderOf(bpe);
            Assert.Equal(3, bpe.Submit(() => 3).Result(Long));
        }
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_half_written_document_is_a_clear_error()
    {
        var whole = StatusReader.Serialize(Sample(DateTimeOffset.UtcNow));
        var error = Assert.Throws<StatusReadException>(() => StatusReader.Parse(whole.AsSpan(0, whole.Length / 2), "/x/status.json"));
        Assert.Contains("/x/status.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a whole JSON document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_of_a_newer_schema_is_refused_by_its_number()
    {
        var newer = Encoding.UTF8.GetBytes("""{"schema":2,"somethingNew":[1,2]}""");
        var error = Assert.Throws<StatusReadException>(() => StatusReader.Parse(newer, "status.json"));
        Assert.Contains("schema 2, newer than this BatchPool reads (1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_round_trips()
    {
        var sample = Sample(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var read = StatusReader.Parse(StatusReader.Serialize(sample), "status.json");
        Assert.Equal(sample.Name, read.Name);
        Assert.Equal(sample.Counts, read.Counts);
        Assert.Equal(sample.Jobs, read.Jobs);
        Assert.Equal(sample.Client, read.Client);
    }

    [Fact]
    public void Liveness_follows_the_process_on_this_host_and_the_heartbeat_elsewhere()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var started = now.AddHours(-1);
        var status = Sample(now) with { Client = new ClientInfo("here", 42, started), Updated = now.AddSeconds(-10) };
        Assert.Equal(ClientState.Alive, ClientLiveness.Of(status, now, "here", pid => pid == 42 ? started.AddSeconds(0.5) : null));
        Assert.Equal(ClientState.Gone, ClientLiveness.Of(status, now, "here", _ => null));
        // The id was reused by a process started later: not the client.
        Assert.Equal(ClientState.Gone, ClientLiveness.Of(status, now, "here", _ => started.AddMinutes(5)));
        Assert.Equal(ClientState.Alive, ClientLiveness.Of(status, now, "elsewhere", _ => null));
        Assert.Equal(ClientState.Gone, ClientLiveness.Of(status with { Updated = now.AddMinutes(-2) }, now, "elsewhere", _ => null));
        Assert.Equal(ClientState.Ended, ClientLiveness.Of(status with { Ended = now }, now, "here", _ => started));
    }

    internal static ExecutorStatus Sample(DateTimeOffset now, string name = "sample", int? pid = null, string? host = null)
    {
        JobStatus[] jobs =
        [
            new("anonymous-1-abcd", 1, JobStates.Succeeded, 1, "local-1-1", now.AddSeconds(-3), now.AddSeconds(-2), now.AddSeconds(-1), "host pid 7", null),
            new("anonymous-2-efgh", 2, JobStates.Running, 1, "local-1-2", now.AddSeconds(-3), now.AddSeconds(-2), null, "host pid 8", null),
        ];
        return new ExecutorStatus
        {
            Name = name,
            Backend = "local",
            Storage = "file:///tmp/x/",
            Client = new ClientInfo(host ?? Environment.MachineName, pid ?? Environment.ProcessId, now.AddMinutes(-1)),
            Started = now.AddSeconds(-5),
            Updated = now,
            Counts = StatusCounts.Of(jobs),
            Jobs = jobs,
        };
    }

    private static ExecutorStatus? TryRead(string folder)
    {
        try
        {
            return StatusReader.Read(folder);
        }
        catch (StatusReadException)
        {
            return null;
        }
    }
}
