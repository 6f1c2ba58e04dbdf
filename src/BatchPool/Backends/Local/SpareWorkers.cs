using System.Diagnostics;

namespace BatchPool.Backends.Local;

/// <summary>
/// Workers for the next executor of this process, kept as an executor shuts down: it then starts with workers that have
/// booted (a fresh .NET worker costs ~65 ms of CPU before its first answer), as a forked pool's workers have. They are
/// the executor's own workers, recycled (<see cref="Keep"/>: they forgot it, its key and its code, or exit), and fresh
/// processes started for those that were not (<see cref="Offer"/>), which never ran a job. Either learns its next
/// executor's secret, storage and folder only when taken (<see cref="LocalWorkerProcess.Connect"/>); it is taken only by
/// an executor that would start a worker alike (the same program, the same environment), and closed when its time is up.
/// </summary>
/// <remarks>
/// Fresh spares are started as an executor shuts down, never while its jobs run: a spare booting beside them takes a core
/// from them (10,000 one-call jobs on 2 cores ~15 % slower, a warm Submit-to-Result round trip ~2× slower, when spares
/// were replaced as they were taken). An executor that could not recycle all its workers leaves one more than it used,
/// so that executors that follow one another without a pause take spares started two executors earlier, booted or
/// nearly. The spares left by a program's last executor are the cost: processes that wait and are closed unused.
/// </remarks>
internal static class SpareWorkers
{
    private static readonly Lock Gate = new();
    private static readonly Lock Offering = new();
    private static readonly List<Spare> Waiting = [];

    // Made with the first spare: a client that never shuts an executor down never needs it.
    private static Timer? _expiry;
    private static int _offersPending;

    /// <summary>A spare started like <paramref name="wanted"/> (command line aside), or null.</summary>
    public static LocalWorkerProcess? TryTake(ProcessStartInfo wanted)
    {
        List<LocalWorkerProcess>? dead = null;
        LocalWorkerProcess? taken = null;
        lock (Gate)
        {
            for (var i = 0; i < Waiting.Count && taken is null; i++)
            {
                var spare = Waiting[i];
                if (spare.Worker.HasExited)
                {
                    (dead ??= []).Add(spare.Worker);
                    Waiting.RemoveAt(i--);
                }
                else if (Alike(spare.Start, wanted))
                {
                    taken = spare.Worker;
                    Waiting.RemoveAt(i);
                }
            }
        }
        dead?.ForEach(worker => worker.Dispose());
        return taken;
    }

    /// <summary>Whether a spare started like <paramref name="wanted"/> waits: taking it costs no start.</summary>
    public static bool AnyWaiting(ProcessStartInfo wanted)
    {
        lock (Gate)
        {
            foreach (var spare in Waiting)
            {
                if (Alike(spare.Start, wanted))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Starts spares for <paramref name="options"/>' workers, so that <paramref name="count"/> of them wait, each for at
    /// most <paramref name="lifetime"/>: on the pool, as starting processes takes the caller milliseconds.
    /// </summary>
    public static void Offer(BatchSessionOptions options, int count, TimeSpan lifetime)
    {
        if (count <= 0 || lifetime <= TimeSpan.Zero)
        {
            return;
        }
        Interlocked.Increment(ref _offersPending);
        ThreadPool.UnsafeQueueUserWorkItem(
            offer =>
            {
                try
                {
                    StartSpares(offer.Options, offer.Count, offer.Lifetime);
                }
                finally
                {
                    Interlocked.Decrement(ref _offersPending);
                }
            },
            (Options: options, Count: count, Lifetime: lifetime),
            preferLocal: false);
    }

    private static void StartSpares(BatchSessionOptions options, int count, TimeSpan lifetime)
    {
        var start = LocalWorkerProcess.StartInfo(options, spare: true);
        // One offer at a time: two sessions topping up at once would each count the same spares and start twice as many.
        lock (Offering)
        {
            int waiting;
            lock (Gate)
            {
                waiting = Waiting.Count(spare => Alike(spare.Start, start) && !spare.Worker.HasExited);
            }
            for (var i = waiting; i < count && StartOne(start, lifetime); i++)
            {
            }
        }
    }

    /// <summary>Starts a spare that waits at most <paramref name="lifetime"/>; false if it could not start.</summary>
    private static bool StartOne(ProcessStartInfo start, TimeSpan lifetime)
    {
        LocalWorkerProcess worker;
        try
        {
            worker = LocalWorkerProcess.Start(start);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // A spare is a head start, never needed: the next executor starts its own worker and says what fails.
            return false;
        }
        Keep(worker, lifetime);
        return true;
    }

    /// <summary>
    /// Keeps a worker for the next executor, at most <paramref name="lifetime"/>: a spare just started, or a worker an
    /// executor is done with, asked to forget it (<see cref="LocalWorkerProcess.Recycle"/>).
    /// </summary>
    public static void Keep(LocalWorkerProcess worker, TimeSpan lifetime)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(lifetime.TotalSeconds * Stopwatch.Frequency);
        lock (Gate)
        {
            Waiting.Add(new Spare(worker.StartedWith, worker, deadline));
            _expiry ??= new Timer(_ => Expire(), null, Timeout.Infinite, Timeout.Infinite);
        }
        ScheduleExpiry();
    }

    /// <summary>The ids of the spares waiting now (for tests).</summary>
    internal static int[] WaitingIds()
    {
        lock (Gate)
        {
            return [.. Waiting.Select(spare => spare.Worker.Id)];
        }
    }

    /// <summary>Closes every spare, once the offers under way are made (for tests that need to know which spares exist).</summary>
    internal static void CloseAll()
    {
        SpinWait.SpinUntil(() => Volatile.Read(ref _offersPending) == 0, TimeSpan.FromSeconds(10));
        List<LocalWorkerProcess> closed;
        lock (Gate)
        {
            closed = [.. Waiting.Select(spare => spare.Worker)];
            Waiting.Clear();
        }
        closed.ForEach(worker => worker.Dispose());
    }

    private static void Expire()
    {
        List<LocalWorkerProcess> expired = [];
        var now = Stopwatch.GetTimestamp();
        lock (Gate)
        {
            for (var i = Waiting.Count - 1; i >= 0; i--)
            {
                if (Waiting[i].Deadline <= now || Waiting[i].Worker.HasExited)
                {
                    expired.Add(Waiting[i].Worker);
                    Waiting.RemoveAt(i);
                }
            }
        }
        // Closing its input ends a spare that waits for its hello.
        expired.ForEach(worker => worker.Dispose());
        ScheduleExpiry();
    }

    private static void ScheduleExpiry()
    {
        lock (Gate)
        {
            if (Waiting.Count == 0)
            {
                return;
            }
            var next = Waiting.Min(spare => spare.Deadline);
            var due = Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next).TotalMilliseconds);
            _expiry?.Change(TimeSpan.FromMilliseconds(Math.Ceiling(due)), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether two workers started with these would be alike: the same program, the same environment.</summary>
    private static bool Alike(ProcessStartInfo spare, ProcessStartInfo wanted)
    {
        if (spare.FileName != wanted.FileName || spare.ArgumentList[0] != wanted.ArgumentList[0] || spare.Environment.Count != wanted.Environment.Count)
        {
            return false;
        }
        foreach (var (name, value) in wanted.Environment)
        {
            if (!spare.Environment.TryGetValue(name, out var spareValue) || spareValue != value)
            {
                return false;
            }
        }
        return true;
    }

    /// <param name="Start">How it was started (<see cref="LocalWorkerProcess.StartedWith"/>).</param>
    /// <param name="Worker">The worker.</param>
    /// <param name="Deadline">When it is closed unclaimed (a <see cref="Stopwatch"/> timestamp).</param>
    private sealed record Spare(ProcessStartInfo Start, LocalWorkerProcess Worker, long Deadline);
}
