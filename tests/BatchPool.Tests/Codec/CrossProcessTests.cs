using BatchPool.Codec;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

/// <summary>Builds every cross-process case once and runs them all in one CodecHost launch.</summary>
public sealed class CrossProcessFixture : IDisposable
{
    public CrossProcessFixture()
    {
        foreach (var name in CodecCases.Names)
        {
            var (function, args) = CodecCases.Make(name);
            Host.Add(name, CodecTestKit.Codec.Encode(new JobInput(function, [args]), PayloadKind.JobInput).Bytes);
        }

        var (echo, _) = (new Func<object?, object?>(MathFns.Echo), 0);
        Host.Add("echo", CodecTestKit.Codec.Encode(new JobInput(echo, [[CodecCases.SampleValues()], [Big]]), PayloadKind.JobInput).Bytes);
        Host.Add("localType", CodecTestKit.Codec.Encode(new JobInput(new Func<int>(MathFns.FailWithLocalType), [[]]), PayloadKind.JobInput).Bytes);
        var sample = CodecTestKit.Codec.Encode(new JobInput(CodecCases.Make("this").Function, [[]]), PayloadKind.JobInput).Bytes;
        Host.Add("assemblyMismatch", CodecTestKit.WithForeignAssemblyBuild(sample, ForeignBuild));
        Host.Add("runtimeMismatch", CodecTestKit.WithRuntime(sample, 9, 0));
        Host.Add("unsigned", CodecTestKit.WithRuntime(sample, 9, 0)[..^1].Append((byte)0).ToArray());
    }

    public static Guid ForeignBuild { get; } = Guid.Parse("0badc0de-0000-4000-8000-000000000001");

    public static double[] Big { get; } = Enumerable.Range(0, 1_000_000).Select(i => i * 0.25).ToArray();

    public CodecHostRun Host { get; } = new();

    public void Dispose() => Host.Dispose();
}

public class CrossProcessTests(CrossProcessFixture fixture) : IClassFixture<CrossProcessFixture>
{
    public static TheoryData<string> Cases() => [.. CodecCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gives_the_same_result_in_another_process(string name)
    {
        var (function, args) = CodecCases.Make(name);
        var expected = CodecTestKit.Invoke(function, args);
        var outcome = Assert.Single(fixture.Host.Decoded(name).Outcomes);
        if (expected is Exception e)
        {
            Assert.NotNull(outcome.Error);
            Assert.IsType(e.GetType(), outcome.Error);
            Assert.Equal(e.Message, outcome.Error.Message);
            Assert.Equal(ValueText.Of(e.InnerException?.Message), ValueText.Of(outcome.Error.InnerException?.Message));
        }
        else
        {
            Assert.Null(outcome.Error);
            Assert.Equal(ValueText.Of(expected), ValueText.Of(outcome.Value));
        }
    }

    [Fact]
    public void Remote_user_exception_keeps_code_inner_and_remote_stack()
    {
        var error = Assert.IsType<UserFailure>(fixture.Host.Decoded("fail").Outcomes[0].Error);
        Assert.Equal(42, error.Code);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains(nameof(MathFns.Fail), error.StackTrace, StringComparison.Ordinal);
        var aggregate = Assert.IsType<AggregateException>(fixture.Host.Decoded("aggregate").Outcomes[0].Error);
        Assert.Equal(2, aggregate.InnerExceptions.Count);
        Assert.Equal(7, Assert.IsType<UserFailure>(aggregate.InnerExceptions[1]).Code);
    }

    [Fact]
    public void Values_come_back_unchanged()
    {
        var outcomes = fixture.Host.Decoded("echo").Outcomes;
        Assert.Equal(ValueText.Of(CodecCases.SampleValues()), ValueText.Of(outcomes[0].Value));
        Assert.Equal(CrossProcessFixture.Big, (double[])outcomes[1].Value!);
    }

    [Fact]
    public void Remote_exception_of_a_type_the_reader_cannot_load_becomes_remote_exception()
    {
        var renamed = CodecTestKit.ReplaceAndResign(fixture.Host.OutputOf("localType"), "LocalOnlyFailure", "LocalOnlyFailurX");
        var output = (JobOutput)CodecTestKit.Codec.Decode(renamed, PayloadKind.JobOutput);
        var remote = Assert.IsType<RemoteException>(output.Outcomes[0].Error);
        Assert.Equal("BatchPool.Tests.UserCode.LocalOnlyFailurX, BatchPool.Tests.UserCode", remote.RemoteTypeName);
        Assert.Equal("only here", remote.Message);
        Assert.Contains(nameof(MathFns.FailWithLocalType), remote.RemoteStackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_with_another_build_or_runtime_says_exactly_what_differs()
    {
        var assembly = Assert.IsType<InvalidPayloadException>(fixture.Host.Decoded("assemblyMismatch").Outcomes[0].Error);
        Assert.Equal(PayloadRejection.AssemblyMismatch, assembly.Reason);
        var mine = typeof(CodecCases).Assembly.ManifestModule.ModuleVersionId;
        Assert.Equal(
            $"payload was written against BatchPool.Tests.UserCode build {CrossProcessFixture.ForeignBuild}, this process loaded build {mine} from {CodecTestKit.UserCodePath}",
            assembly.Message);

        var runtime = Assert.IsType<InvalidPayloadException>(fixture.Host.Decoded("runtimeMismatch").Outcomes[0].Error);
        Assert.Equal(PayloadRejection.RuntimeMismatch, runtime.Reason);

        var unsigned = Assert.IsType<InvalidPayloadException>(fixture.Host.Decoded("unsigned").Outcomes[0].Error);
        Assert.Equal(PayloadRejection.AuthenticationFailed, unsigned.Reason);
    }
}
