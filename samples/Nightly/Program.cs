// The watch scenario: a night's run that leaves its folder behind for `batchpool status`, `logs`, `dashboard` and `clean`.
// BATCHPOOL_BACKEND chooses where it runs (local:ROOT, slurm:FOLDER, docker:FOLDER).
using BatchPool;

await using var bpe = new BatchPoolExecutor(name: args.FirstOrDefault() ?? "nightly", cleanupBucket: false);
var done = bpe.Map(
    part =>
    {
        Console.WriteLine($"nightly part {part} starts on {Environment.MachineName}");
        Thread.Sleep(TimeSpan.FromSeconds(4));
        return part;
    },
    Enumerable.Range(1, 6)).ToList();
Console.WriteLine($"nightly: {done.Count} parts done");
