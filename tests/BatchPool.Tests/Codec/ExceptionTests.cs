using System.Runtime.ExceptionServices;
using BatchPool.Tests.UserCode;

namespace BatchPool.Tests.Codec;

public class ExceptionTests
{
    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("did not throw");
    }

    [Fact]
    public void User_exception_keeps_type_message_property_inner_and_remote_stack()
    {
        var original = (UserFailure)Thrown(() => MathFns.Fail(3));
        var decoded = Assert.IsType<UserFailure>(CodecTestKit.RoundTripException(original));
        Assert.Equal("outer boom", decoded.Message);
        Assert.Equal(42, decoded.Code);
        var inner = Assert.IsType<InvalidOperationException>(decoded.InnerException);
        Assert.Equal("inner boom 3", inner.Message);
        Assert.Contains(nameof(MathFns.Fail), decoded.StackTrace, StringComparison.Ordinal);

        // Thrown again here, the trace shows the remote frames and then this process's.
        var rethrown = Thrown(() => ExceptionDispatchInfo.Throw(decoded));
        Assert.Contains(nameof(MathFns.Fail), rethrown.StackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(Thrown), rethrown.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregate_exception_keeps_all_inner_exceptions()
    {
        var original = Thrown(() => MathFns.FailAggregate());
        var decoded = Assert.IsType<AggregateException>(CodecTestKit.RoundTripException(original));
        Assert.Equal(2, decoded.InnerExceptions.Count);
        Assert.Equal("x", Assert.IsType<ArgumentException>(decoded.InnerExceptions[0]).ParamName);
        Assert.Equal(original.InnerException!.Message, decoded.InnerExceptions[0].Message);
        Assert.Equal(7, Assert.IsType<UserFailure>(decoded.InnerExceptions[1]).Code);
        Assert.Equal(original.Message, decoded.Message);
    }

    [Fact]
    public void Exception_type_the_reader_cannot_load_becomes_remote_exception()
    {
        var original = Thrown(() => MathFns.FailWithLocalType());
        var payload = CodecTestKit.Codec.Encode(new BatchPool.Codec.JobOutput([new BatchPool.Codec.CallOutcome(null, new InvalidOperationException("outer", original))]), BatchPool.Codec.PayloadKind.JobOutput);
        var renamed = CodecTestKit.ReplaceAndResign(payload.Bytes, "LocalOnlyFailure", "LocalOnlyFailurX");
        var output = (BatchPool.Codec.JobOutput)CodecTestKit.Codec.Decode(renamed, BatchPool.Codec.PayloadKind.JobOutput);
        var remote = Assert.IsType<RemoteException>(output.Outcomes[0].Error!.InnerException);
        Assert.Equal("BatchPool.Tests.UserCode.LocalOnlyFailurX, BatchPool.Tests.UserCode", remote.RemoteTypeName);
        Assert.Equal("only here", remote.Message);
        Assert.Contains(nameof(MathFns.FailWithLocalType), remote.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(MathFns.FailWithLocalType), remote.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void Unshippable_exception_field_is_dropped_not_refused()
    {
        var original = new ObjectDisposedException("stream");
        var decoded = Assert.IsType<ObjectDisposedException>(CodecTestKit.RoundTripException(original));
        Assert.Equal(original.Message, decoded.Message);
    }
}
