using System.Diagnostics;
using BatchPool.Codec;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

public class PayloadIntegrityTests
{
    private static byte[] SamplePayload()
    {
        var (function, args) = CodecCases.Make("recordDict");
        return CodecTestKit.Codec.Encode(new JobInput(function, [args, [.. CodecCases.SampleValues()]]), PayloadKind.JobInput).Bytes;
    }

    private static InvalidPayloadException Rejected(byte[] payload, PayloadKind kind = PayloadKind.JobInput, PayloadCodec? codec = null) =>
        Assert.Throws<InvalidPayloadException>(() => (codec ?? CodecTestKit.Codec).Decode(payload, kind));

    [Fact]
    public void Each_rejection_says_what_is_wrong()
    {
        var payload = SamplePayload();
        Assert.Equal(PayloadRejection.NotAPayload, Rejected("hello world"u8.ToArray()).Reason);
        Assert.Equal(PayloadRejection.Truncated, Rejected(payload[..2]).Reason);
        Assert.Equal(PayloadRejection.Truncated, Rejected(payload[..^1]).Reason);
        Assert.Equal(PayloadRejection.Truncated, Rejected(payload[..10]).Reason);

        var version = (byte[])payload.Clone();
        version[4] = 99;
        var unsupported = Rejected(version);
        Assert.Equal(PayloadRejection.UnsupportedFormatVersion, unsupported.Reason);
        Assert.Contains("version 99", unsupported.Message, StringComparison.Ordinal);

        var altered = (byte[])payload.Clone();
        altered[payload.Length / 2] ^= 1;
        Assert.Equal(PayloadRejection.AuthenticationFailed, Rejected(altered).Reason);
        Assert.Equal(PayloadRejection.AuthenticationFailed, Rejected(payload, codec: new PayloadCodec(new byte[32])).Reason);

        var wrongKind = Rejected(payload, PayloadKind.JobOutput);
        Assert.Equal(PayloadRejection.WrongKind, wrongKind.Reason);
        Assert.Equal("payload holds a JobInput, expected a JobOutput", wrongKind.Message);
    }

    [Theory]
    [InlineData(1, false)] // HMAC-SHA256, truncated
    [InlineData(200_000, true)] // 1.6 MB: GMAC, with a fresh nonce
    public void The_mac_suits_the_size_and_any_altered_bit_of_it_or_of_the_flags_is_refused(int doubles, bool gmac)
    {
        var data = new double[doubles];
        data[^1] = 42;
        var first = CodecTestKit.Codec.Encode(new JobOutput([new CallOutcome(data, null)]), PayloadKind.JobOutput).Bytes;
        var second = CodecTestKit.Codec.Encode(new JobOutput([new CallOutcome(data, null)]), PayloadKind.JobOutput).Bytes;

        Assert.Equal(gmac ? PayloadLayout.GmacFlag : 0, first[PayloadLayout.FlagsOffset]);
        Assert.Equal(first[..^PayloadMac.Length], second[..^PayloadMac.Length]);
        // GMAC draws a new nonce (so a new tag) for every payload; HMAC gives the same bytes the same MAC.
        Assert.Equal(!gmac, first.AsSpan(first.Length - PayloadMac.Length).SequenceEqual(second.AsSpan(second.Length - PayloadMac.Length)));
        Assert.Equal(42, ((double[])((JobOutput)CodecTestKit.Codec.Decode(second, PayloadKind.JobOutput)).Outcomes[0].Value!)[^1]);
        for (var at = first.Length - PayloadMac.Length; at < first.Length; at++)
        {
            var altered = (byte[])first.Clone();
            altered[at] ^= 0x80;
            Assert.Equal(PayloadRejection.AuthenticationFailed, Rejected(altered, PayloadKind.JobOutput).Reason);
        }
        var otherAlgorithm = (byte[])first.Clone();
        otherAlgorithm[PayloadLayout.FlagsOffset] ^= PayloadLayout.GmacFlag;
        Assert.Equal(PayloadRejection.AuthenticationFailed, Rejected(otherAlgorithm, PayloadKind.JobOutput).Reason);
        var unknownFlag = (byte[])first.Clone();
        unknownFlag[PayloadLayout.FlagsOffset] |= 0x80;
        Assert.Equal(PayloadRejection.Corrupt, Rejected(unknownFlag, PayloadKind.JobOutput).Reason);
    }

    [Fact]
    public void Runtime_mismatch_names_both_versions()
    {
        var e = Rejected(CodecTestKit.WithRuntime(SamplePayload(), 9, 0));
        Assert.Equal(PayloadRejection.RuntimeMismatch, e.Reason);
        Assert.Equal($"payload written by .NET 9.0, this process runs .NET {Environment.Version.Major}.{Environment.Version.Minor}", e.Message);
    }

    [Fact]
    public void Assembly_mismatch_names_both_builds_and_the_loaded_file()
    {
        var foreign = Guid.Parse("12345678-1234-1234-1234-123456789abc");
        var e = Rejected(CodecTestKit.WithForeignAssemblyBuild(SamplePayload(), foreign));
        Assert.Equal(PayloadRejection.AssemblyMismatch, e.Reason);
        var mine = typeof(CodecCases).Assembly.ManifestModule.ModuleVersionId;
        Assert.Equal(
            $"payload was written against BatchPool.Tests.UserCode build {foreign}, this process loaded build {mine} from {CodecTestKit.UserCodePath}",
            e.Message);
    }

    [Fact]
    public void A_reader_running_another_build_of_BatchPool_says_so()
    {
        var foreign = Guid.Parse("0badc0de-1234-4000-8000-00000000beef");
        var e = Rejected(CodecTestKit.WithForeignAssemblyBuild(SamplePayload(), foreign, "BatchPool"));
        Assert.Equal(PayloadRejection.AssemblyMismatch, e.Reason);
        Assert.StartsWith($"payload was written against BatchPool build {foreign}, this process loaded build ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_truncated_and_bit_flipped_payloads_are_always_rejected()
    {
        var payload = SamplePayload();
        var random = new Random(12345);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3000 && clock.Elapsed < TimeSpan.FromSeconds(4); i++)
        {
            byte[] candidate;
            switch (i % 3)
            {
                case 0:
                    candidate = new byte[random.Next(0, 300)];
                    random.NextBytes(candidate);
                    if (candidate.Length >= 4 && random.Next(2) == 0)
                    {
                        "BPLD"u8.CopyTo(candidate);
                    }

                    break;
                case 1:
                    candidate = payload[..random.Next(0, payload.Length)];
                    break;
                default:
                    candidate = (byte[])payload.Clone();
                    for (var flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        candidate[random.Next(candidate.Length)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
            }

            Rejected(candidate);
        }
    }

    [Fact]
    public void Re_signed_random_bodies_end_in_a_clear_exception()
    {
        var payload = SamplePayload();
        var bodyStart = HeaderLength(payload);
        var random = new Random(777);
        var clock = Stopwatch.StartNew();
        var corrupt = 0;
        for (var i = 0; i < 2000 && clock.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            var candidate = (byte[])payload.Clone();
            if (i % 2 == 0)
            {
                // Random bytes over part of the body.
                var start = random.Next(bodyStart, candidate.Length - 32);
                var length = random.Next(1, Math.Min(64, candidate.Length - 32 - start) + 1);
                random.NextBytes(candidate.AsSpan(start, length));
            }
            else
            {
                candidate[random.Next(bodyStart, candidate.Length - 32)] ^= (byte)(1 << random.Next(8));
            }

            try
            {
                CodecTestKit.Codec.Decode(CodecTestKit.Resign(candidate), PayloadKind.JobInput);
            }
            catch (InvalidPayloadException e)
            {
                Assert.True(e.Reason is PayloadRejection.Corrupt or PayloadRejection.AssemblyMismatch, e.Message);
                corrupt++;
            }
        }

        Assert.True(corrupt > 0);
    }

    private static int HeaderLength(byte[] payload)
    {
        var offset = 20;
        for (var i = BitConverter.ToUInt16(payload, 18); i > 0; i--)
        {
            offset += 1 + payload[offset] + 16;
        }

        var blobCount = BitConverter.ToInt32(payload, offset + 4);
        return offset + 8 + (8 * blobCount);
    }
}
