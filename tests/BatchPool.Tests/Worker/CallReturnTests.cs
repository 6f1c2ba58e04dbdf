using BatchPool.Worker;

namespace BatchPool.Tests.Worker;

/// <summary>The rule by which the worker awaits a call and the client types its future.</summary>
public sealed class CallReturnTests
{
    [Theory]
    [InlineData(typeof(Func<int>), "None", typeof(int))]
    [InlineData(typeof(Func<int, string>), "None", typeof(string))]
    [InlineData(typeof(Action<int>), "None", null)]
    [InlineData(typeof(Func<Task>), "Task", null)]
    [InlineData(typeof(Func<int, ValueTask>), "ValueTask", null)]
    [InlineData(typeof(Func<int, Task<long>>), "TaskOfValue", typeof(long))]
    [InlineData(typeof(Func<ValueTask<string>>), "ValueTaskOfValue", typeof(string))]
    [InlineData(typeof(Func<Task<Task<int>>>), "TaskOfValue", typeof(Task<int>))]
    public void A_delegate_type_says_what_is_awaited_and_what_is_delivered(Type delegateType, string awaited, Type? value)
    {
        Assert.Equal(new CallReturn(Enum.Parse<CallAwaiting>(awaited), value), CallReturn.Of(delegateType));
    }

    [Fact]
    public void A_future_fits_what_the_call_delivers()
    {
        Assert.True(CallReturn.Of(typeof(Func<Task<int>>)).Fits(typeof(int)));
        Assert.True(CallReturn.Of(typeof(Func<Task<int>>)).Fits(typeof(object)));
        Assert.True(CallReturn.Of(typeof(Func<Task<int>>)).Fits(null));
        Assert.False(CallReturn.Of(typeof(Func<Task<int>>)).Fits(typeof(Task<int>)));
        Assert.False(CallReturn.Of(typeof(Func<ValueTask<int>>)).Fits(typeof(ValueTask<int>)));
        Assert.True(CallReturn.Of(typeof(Func<Task>)).Fits(typeof(object)));
        Assert.True(CallReturn.Of(typeof(Func<Task>)).Fits(typeof(int?)));
        Assert.False(CallReturn.Of(typeof(Func<Task>)).Fits(typeof(Task)));
        Assert.False(CallReturn.Of(typeof(Func<ValueTask>)).Fits(typeof(int)));
    }
}
