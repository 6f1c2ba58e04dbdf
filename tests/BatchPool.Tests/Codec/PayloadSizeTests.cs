using BatchPool.Codec;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

/// <summary>
/// Payload sizes: large primitive arrays travel as raw bytes, small calls stay small. Speed is measured in bench/,
/// never asserted here.
/// </summary>
public class PayloadSizeTests
{
    [Fact]
    public void A_large_primitive_array_takes_the_raw_fast_path()
    {
        var big = new double[10_000_000]; // 80 MB
        for (var i = 0; i < big.Length; i++)
        {
            big[i] = i * 0.5;
        }

        Func<double> function = () => big[^1];
        var payload = CodecTestKit.Codec.Encode(new JobInput(function, [[]]), PayloadKind.JobInput);
        var decoded = (JobInput)CodecTestKit.Codec.Decode(payload.Bytes, PayloadKind.JobInput);
        Assert.Equal(big[^1], ((Func<double>)decoded.Function)());
        Assert.InRange(payload.Bytes.Length, big.Length * sizeof(double), big.Length * sizeof(double) * 1.01);
    }

    [Fact]
    public void Small_calls_stay_small()
    {
        var (function, args) = CodecCases.Make("locals");
        var input = CodecTestKit.Codec.Encode(new JobInput(function, [args]), PayloadKind.JobInput).Bytes;
        var output = CodecTestKit.Codec.Encode(new JobOutput([new CallOutcome(13, null)]), PayloadKind.JobOutput).Bytes;
        var methodGroup = CodecTestKit.Codec.Encode(new JobInput(new Func<int, int>(MathFns.Triple), [[14]]), PayloadKind.JobInput).Bytes;
        Assert.InRange(input.Length, 1, 1024);
        Assert.InRange(output.Length, 1, 256);
        Assert.InRange(methodGroup.Length, 1, 1024);
    }
}
