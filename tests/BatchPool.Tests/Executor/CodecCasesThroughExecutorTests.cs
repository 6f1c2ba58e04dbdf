using BatchPool.Tests.Codec;
using BatchPool.Tests.UserCode;
using BatchPool.Worker;

namespace BatchPool.Tests.Executor;

/// <summary>One executor, over one real backend, for every case of the codec's list.</summary>
public abstract class ExecutorFixture(Func<TestBackend> createBackend) : IAsyncLifetime
{
    public TestBackend Backend { get; } = createBackend();

    public BatchPoolExecutor Executor { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Executor = new BatchPoolExecutor(backend: Backend.Backend);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Executor.DisposeAsync();
        await Backend.DisposeAsync();
    }
}

/// <summary>
/// Every closure, value and exception case of the codec, end to end through Submit and a real worker process. Each case's
/// delegate travels as state captured by the submitted lambda (a delegate in a captured field).
/// </summary>
public abstract class CodecCasesThroughExecutorTests(ExecutorFixture fixture)
{
    public static TheoryData<string> Cases() => [.. CodecCases.Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_gives_the_same_result_through_the_executor(string name)
    {
        var (function, args) = CodecCases.Make(name);
        // The worker's own invoker, called inside the shipped lambda: it unwraps and awaits as the worker does for jobs.
        var future = fixture.Executor.Submit(async () => ValueText.Of(await CallInvoker.InvokeAsync(function, args)));

        var (freshFunction, freshArgs) = CodecCases.Make(name);
        var expected = CodecTestKit.Invoke(freshFunction, freshArgs);
        if (expected is Exception e)
        {
            var error = future.Exception();
            Assert.NotNull(error);
            Assert.IsType(e.GetType(), error);
            Assert.Equal(e.Message, error.Message);
            Assert.Equal(ValueText.Of(e.InnerException?.Message), ValueText.Of(error.InnerException?.Message));
        }
        else
        {
            Assert.Equal(ValueText.Of(expected), future.Result());
        }
    }
}

public sealed class LocalExecutorFixture() : ExecutorFixture(() => new TestBackend());

/// <summary>On the local backend.</summary>
public sealed class CodecCasesThroughExecutorOnLocal(LocalExecutorFixture fixture)
    : CodecCasesThroughExecutorTests(fixture), IClassFixture<LocalExecutorFixture>;
