namespace BatchPool.Tests.Executor;

/// <summary>
/// Files that jobs wait for, so that a test decides when each job ends without guessing durations: a job calls
/// <see cref="Pass"/> on its gate's path, and the test opens the gate when it wants the job to finish.
/// </summary>
public sealed class Gates : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public Gates() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "batchpool-tests", "gates-" + Guid.NewGuid().ToString("N")[..12]);

    public string PathOf(string gate) => Path.Combine(Folder, gate);

    public void Open(string gate) => File.WriteAllText(PathOf(gate), "open");

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>In a job: returns <paramref name="value"/> once the gate at <paramref name="path"/> is open.</summary>
    public static int Pass(string path, int value)
    {
        var until = DateTime.UtcNow + Patience;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The gate {path} was not opened within {Patience}.");
            }
            Thread.Sleep(20);
        }
        return value;
    }

    /// <summary>In a job: <see cref="Pass"/>, awaiting.</summary>
    public static async Task<int> PassAsync(string path, int value)
    {
        var until = DateTime.UtcNow + Patience;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The gate {path} was not opened within {Patience}.");
            }
            await Task.Delay(20);
        }
        return value;
    }
}
