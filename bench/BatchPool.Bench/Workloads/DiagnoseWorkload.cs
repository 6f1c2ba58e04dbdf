using System.Diagnostics;
using System.Security.Cryptography;
using BatchPool.Codec;
using BatchPool.Storage;
using static BatchPool.Bench.Format;

namespace BatchPool.Bench.Workloads;

/// <summary>
/// <c>--diagnose</c>: stopwatch spans of the parts of workload 1's path (Map, chunksize 1), each measured alone in this
/// process: the codec's per-call work, the storage's per-call file work, and shutdown with and without the folder's deletion;
/// and, for workload 4, what the hardware allows for 80 MB: a copy and the two candidate MACs.
/// </summary>
internal static class DiagnoseWorkload
{
    private const int Calls = 10_000;

    public static void Run()
    {
        Codec();
        Storage();
        ShutdownWithoutCleanup();
        BulkFloor();
    }

    private static void BulkFloor()
    {
        var data = new byte[BigClosureWorkload.RawBytes];
        Random.Shared.NextBytes(data);
        var copy = new byte[data.Length];
        var key = RandomNumberGenerator.GetBytes(32);
        using var gcm = new AesGcm(key, AesGcm.TagByteSizes.MaxSize);
        var nonce = new byte[AesGcm.NonceByteSizes.MaxSize];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var seconds = new Dictionary<string, double>
        {
            ["copy"] = Best(() => data.CopyTo(copy, 0)),
            ["HMAC-SHA256"] = Best(() => HMACSHA256.HashData(key, data)),
            ["AES-GMAC (AesGcm, the 80 MB as associated data)"] = Best(() => gcm.Encrypt(nonce, Array.Empty<byte>(), Array.Empty<byte>(), tag, data)),
        };
        Console.WriteLine("  80 MB, best of 3: " + string.Join(", ", seconds.Select(s => $"{s.Key} {Seconds(s.Value)}")));
    }

    private static double Best(Action action) =>
        Enumerable.Range(0, 3).Min(_ =>
        {
            var clock = Stopwatch.StartNew();
            action();
            return clock.Elapsed.TotalSeconds;
        });

    private static void Codec()
    {
        var codec = new PayloadCodec(RandomNumberGenerator.GetBytes(32));
        Func<int, int> triple = x => x * 3;
        codec.Decode(codec.Encode(new JobInput(triple, [[1]]), PayloadKind.JobInput).Bytes, PayloadKind.JobInput);
        codec.Decode(codec.Encode(new JobOutput([new CallOutcome(3, null)]), PayloadKind.JobOutput).Bytes, PayloadKind.JobOutput);

        var inputs = new byte[Calls][];
        var (encodeInput, encodeInputBytes) = PerCall(i => inputs[i] = codec.Encode(new JobInput(triple, [[i]]), PayloadKind.JobInput).Bytes);
        var (decodeInput, decodeInputBytes) = PerCall(i => codec.Decode(inputs[i], PayloadKind.JobInput));
        var outputs = new byte[Calls][];
        var (encodeOutput, encodeOutputBytes) = PerCall(i => outputs[i] = codec.Encode(new JobOutput([new CallOutcome(i * 3, null)]), PayloadKind.JobOutput).Bytes);
        var (decodeOutput, decodeOutputBytes) = PerCall(i => codec.Decode(outputs[i], PayloadKind.JobOutput));
        Console.WriteLine(
            $"  codec per call (one-call jobs, in process): input encode {Microseconds(encodeInput)} ({inputs[0].Length} B) + decode " +
            $"{Microseconds(decodeInput)}; output encode {Microseconds(encodeOutput)} ({outputs[0].Length} B) + decode {Microseconds(decodeOutput)}");
        Console.WriteLine(
            $"  allocated per call: input encode {encodeInputBytes:N0} B + decode {decodeInputBytes:N0} B; output encode {encodeOutputBytes:N0} B + decode {decodeOutputBytes:N0} B");

        // Workload 2's jobs: 100 calls each.
        const int CallsPerJob = 100;
        var jobs = Calls / CallsPerJob;
        var chunkInputs = new byte[jobs][];
        var chunkOutputs = new byte[jobs][];
        var (encodeChunk, _) = PerCall(j => chunkInputs[j] = codec.Encode(new JobInput(triple, [.. Enumerable.Range(j, CallsPerJob).Select(i => new object?[] { i })]), PayloadKind.JobInput).Bytes, jobs);
        var (decodeChunk, _) = PerCall(j => codec.Decode(chunkInputs[j], PayloadKind.JobInput), jobs);
        var (encodeChunkOutput, _) = PerCall(j => chunkOutputs[j] = codec.Encode(new JobOutput([.. Enumerable.Range(j, CallsPerJob).Select(i => new CallOutcome(i * 3, null))]), PayloadKind.JobOutput).Bytes, jobs);
        var (decodeChunkOutput, _) = PerCall(j => codec.Decode(chunkOutputs[j], PayloadKind.JobOutput), jobs);
        Console.WriteLine(
            $"  codec per call in 100-call jobs: input encode {Microseconds(encodeChunk / CallsPerJob)} ({chunkInputs[0].Length / CallsPerJob} B) + decode " +
            $"{Microseconds(decodeChunk / CallsPerJob)}; output encode {Microseconds(encodeChunkOutput / CallsPerJob)} ({chunkOutputs[0].Length / CallsPerJob} B) + decode {Microseconds(decodeChunkOutput / CallsPerJob)}");
    }

    private static void Storage()
    {
        var root = Directory.CreateTempSubdirectory("batchpool-bench-storage-");
        try
        {
            var storage = new FileSystemStorage(root.FullName);
            var blob = new byte[400];
            var (write, _) = PerCall(i => storage.WriteAsync($"x/inputs/c{i}/input", blob).AsTask().GetAwaiter().GetResult());
            var (read, _) = PerCall(i => storage.ReadAsync($"x/inputs/c{i}/input").AsTask().GetAwaiter().GetResult());
            var clock = Stopwatch.StartNew();
            storage.DeleteFolderAsync("x").AsTask().GetAwaiter().GetResult();
            Console.WriteLine(
                $"  file storage per call (400 B blob, folder per call): write {Microseconds(write)} + read {Microseconds(read)}; " +
                $"deleting {Calls:N0} such folders {Seconds(clock.Elapsed.TotalSeconds)}");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static void ShutdownWithoutCleanup()
    {
        var root = Directory.CreateTempSubdirectory("batchpool-bench-w1-");
        try
        {
            var run = MapWorkload.Run(Calls, 1, keepFolderIn: root.FullName);
            var files = Directory.EnumerateFileSystemEntries(root.FullName, "*", SearchOption.AllDirectories).Count();
            var clock = Stopwatch.StartNew();
            root.Delete(recursive: true);
            Console.WriteLine(
                $"  W1 without cleanup: {Seconds(run.Total)} = new executor {Seconds(run.Construct)} + Map submits {Seconds(run.Submit)} + " +
                $"results {Seconds(run.Collect)} + shutdown {Seconds(run.Shutdown)}; then deleting its {files:N0} files and folders " +
                $"{Seconds(clock.Elapsed.TotalSeconds)}");
        }
        finally
        {
            if (root.Exists)
            {
                root.Delete(recursive: true);
            }
        }
    }

    /// <summary>Microseconds and bytes allocated (by this thread) per call.</summary>
    private static (double Microseconds, long Bytes) PerCall(Action<int> call, int calls = Calls)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            call(i);
        }
        return (clock.Elapsed.TotalMicroseconds / calls, (GC.GetAllocatedBytesForCurrentThread() - allocated) / calls);
    }
}
