using System.Linq.Expressions;
using BatchPool.Codec;
using BatchPool.Tests.UserCode;
using Microsoft.Win32.SafeHandles;

namespace BatchPool.Tests.Codec;

public class RefusalTests
{
    private static UnserializableValueException Refused(Delegate function) =>
        Assert.Throws<UnserializableValueException>(() => CodecTestKit.Codec.Encode(new JobInput(function, []), PayloadKind.JobInput));

    [Fact]
    public void Captured_file_stream_is_refused_with_its_path()
    {
        using var fs = File.OpenRead(typeof(RefusalTests).Assembly.Location);
        var e = Refused(() => fs.Length);
        Assert.Equal("closure.Target.fs", e.Path);
        Assert.Equal(typeof(FileStream), e.ValueType);
        Assert.StartsWith("Cannot ship closure.Target.fs (System.IO.FileStream): a stream holds an open handle", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Process_local_things_are_refused()
    {
        var thread = new Thread(() => { });
        var task = Task.FromResult(1);
        using var cts = new CancellationTokenSource();
        var token = cts.Token;
        using var handle = new SafeFileHandle(IntPtr.Zero, ownsHandle: false);
        var method = typeof(MathFns).GetMethod(nameof(MathFns.Triple))!;
        var native = new NativeBuffer();
        using var wait = new ManualResetEvent(false);
        object pointer = IntPtr.Zero;
        var weakTable = new System.Runtime.CompilerServices.ConditionalWeakTable<object, string>();
        using var threadLocal = new ThreadLocal<int>(() => 1);
        var bag = new System.Collections.Concurrent.ConcurrentBag<int> { 1 };

        foreach (var value in new object[] { thread, task, cts, token, handle, method, wait, pointer, typeof(MathFns).Assembly, weakTable, threadLocal, bag })
        {
            var e = Refused(Capture(value));
            Assert.Equal("closure.Target.value", e.Path);
            Assert.Equal(value.GetType(), e.ValueType);
        }

        Assert.Equal("closure.Target.value.Address", Refused(Capture(native)).Path);
    }

    private static Func<object?> Capture(object? value) => () => value;

    [Fact]
    public void Compiled_expression_is_refused()
    {
        Expression<Func<int, int>> expression = x => x + 1;
        var compiled = expression.Compile();
        var e = Refused(compiled);
        Assert.Equal("closure", e.Path);
        Assert.Contains("dynamic method", e.Message, StringComparison.Ordinal);

        var wrapped = Refused(() => compiled(1));
        Assert.Equal("closure.Target.compiled", wrapped.Path);
    }

    [Fact]
    public void Arguments_and_results_are_checked_too()
    {
        using var stream = new MemoryStream();
        var e = Assert.Throws<UnserializableValueException>(() =>
            CodecTestKit.Codec.Encode(new JobInput(new Func<object, object>(MathFns.Echo!), [[1], [stream]]), PayloadKind.JobInput));
        Assert.Equal("call[1][0]", e.Path);

        var r = Assert.Throws<UnserializableValueException>(() =>
            CodecTestKit.Codec.Encode(new JobOutput([new CallOutcome(new List<object> { stream }, null)]), PayloadKind.JobOutput));
        Assert.StartsWith("result[0]._items", r.Path, StringComparison.Ordinal);
    }
}
