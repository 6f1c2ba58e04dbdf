using System.Security.Cryptography;
using BatchPool.Codec;

namespace BatchPool.Bench.Workloads;

/// <summary>One in-process codec round trip of the job input that carries the closure: seconds and payload size.</summary>
internal sealed record CodecRun(long Bytes, double EncodeSeconds, double DecodeSeconds)
{
    public double Seconds => EncodeSeconds + DecodeSeconds;
}

/// <summary>One end-to-end run, in seconds: Submit returning (encode, store, submit), then Result (the job, its output, decoding).</summary>
internal sealed record EndToEndRun(double Submit, double Result)
{
    public double Total => Submit + Result;
}

/// <summary>Workload 4: a closure capturing an 80 MB <c>double[]</c> (10,000,000 doubles) whose sum it returns.</summary>
internal static class BigClosureWorkload
{
    public const int Length = 10_000_000;

    public const long RawBytes = Length * sizeof(double);

    public static double[] MakeData(int length = Length)
    {
        var random = new Random(4);
        var data = new double[length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = random.NextDouble();
        }
        return data;
    }

    public static Func<double> SumOf(double[] data) => () => Sum(data);

    /// <summary>Encodes and decodes the job input (the closure and one empty argument list) as the executor does for Submit.</summary>
    public static CodecRun CodecRoundTrip(PayloadCodec codec, double[] data)
    {
        var function = SumOf(data);
        var spans = new Spans();
        var encoded = codec.Encode(new JobInput(function, [[]]), PayloadKind.JobInput);
        var encode = spans.Lap();
        var decoded = (JobInput)codec.Decode(encoded.Bytes, PayloadKind.JobInput);
        var decode = spans.Lap();
        var expected = function();
        if (decoded.Function is not Func<double> back || back() != expected)
        {
            throw new InvalidOperationException("The decoded closure does not return the original sum.");
        }
        return new CodecRun(encoded.Bytes.LongLength, encode, decode);
    }

    public static List<CodecRun> Codec(double[] data, int runs)
    {
        var codec = new PayloadCodec(RandomNumberGenerator.GetBytes(32));
        CodecRoundTrip(codec, MakeData(1_000)); // compiles the codec's paths; dill's import is not timed either
        return [.. Enumerable.Range(0, runs).Select(_ => CodecRoundTrip(codec, data))];
    }

    /// <summary>
    /// The round trip as the executor now makes it (<c>docs/payload-format.md</c>, large values): the encoder names the
    /// array by its SHA-256 (computed in the encode, as for an executor's first job over it) and the payload stays small;
    /// the decoder gets the array's bytes from where storage left them, checks them against the hash as a worker does
    /// (<c>StoredLargeValues</c>) and copies them into the closure's own array. Storage's write and read are not in it.
    /// </summary>
    public static CodecRun CodecRoundTripApart(PayloadCodec codec, double[] data)
    {
        var function = SumOf(data);
        var spans = new Spans();
        var encoded = codec.Encode(new JobInput(function, [[]]), PayloadKind.JobInput, new LargeValueHashes());
        var encode = spans.Lap();
        var stored = new StoredBytes(encoded.LargeValues.ToDictionary(v => v.Sha256Hex, v => BlobWriter.BytesOf(v.Array).ToArray()));
        spans.Lap();
        var decoded = (JobInput)codec.Decode(encoded.Bytes, PayloadKind.JobInput, stored);
        var decode = spans.Lap();
        var expected = function();
        if (decoded.Function is not Func<double> back || back() != expected || encoded.LargeValues.Count != 1)
        {
            throw new InvalidOperationException("The decoded closure does not return the original sum, or the array was not stored apart.");
        }
        return new CodecRun(encoded.Bytes.LongLength, encode, decode);
    }

    public static List<CodecRun> CodecApart(double[] data, int runs)
    {
        var codec = new PayloadCodec(RandomNumberGenerator.GetBytes(32));
        CodecRoundTripApart(codec, MakeData(200_000)); // 1.6 MB: above the large-value threshold, compiles that path
        return [.. Enumerable.Range(0, runs).Select(_ => CodecRoundTripApart(codec, data))];
    }

    /// <summary>Large values as storage holds them, each checked against its hash when read, as a worker does.</summary>
    private sealed class StoredBytes(Dictionary<string, byte[]> values) : ILargeValueSource
    {
        public void ReadInto(ReadOnlySpan<byte> sha256, string path, Span<byte> destination)
        {
            var bytes = values[Convert.ToHexStringLower(sha256)];
            if (bytes.LongLength != destination.Length || !SHA256.HashData(bytes).AsSpan().SequenceEqual(sha256))
            {
                throw new InvalidOperationException("The stored value does not match its hash.");
            }
            bytes.CopyTo(destination);
        }
    }

    /// <summary><c>Submit(closure).Result()</c> on a warm executor.</summary>
    public static List<EndToEndRun> EndToEnd(double[] data, int runs)
    {
        var expected = Sum(data);
        using var bench = new BenchExecutor();
        var executor = bench.Executor;
        executor.Submit(SumOf(MakeData(1_000))).Result(BenchExecutor.ResultTimeout);
        var measured = new List<EndToEndRun>(runs);
        for (var i = 0; i < runs; i++)
        {
            var spans = new Spans();
            var future = executor.Submit(SumOf(data));
            var submit = spans.Lap();
            var sum = future.Result(BenchExecutor.ResultTimeout);
            var result = spans.Lap();
            if (sum != expected)
            {
                throw new InvalidOperationException($"The remote sum is {sum}, not {expected}.");
            }
            measured.Add(new EndToEndRun(submit, result));
        }
        return measured;
    }

    private static double Sum(double[] data)
    {
        var total = 0.0;
        foreach (var value in data)
        {
            total += value;
        }
        return total;
    }
}
