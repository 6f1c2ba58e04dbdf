using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using BatchPool.Codec;

namespace BatchPool.Worker;

/// <summary>
/// Calls a shipped function; asynchronous functions (see <see cref="CallReturn"/>) run to completion, as the original
/// runs coroutines, and their exceptions come out of the await as they were thrown.
/// </summary>
internal static class CallInvoker
{
    // Per delegate type: how to await what it returns, or null when it returns a plain value (most calls: no task then).
    private static readonly ConcurrentDictionary<Type, Func<object, Task<object?>>?> Awaiters = MetadataCaches.Create<Type, Func<object, Task<object?>>?>();

    public static async ValueTask<object?> InvokeAsync(Delegate function, object?[] arguments)
    {
        object? result;
        try
        {
            result = function.DynamicInvoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Throw(thrown);
            throw;
        }
        return result is null || AwaiterFor(function.GetType()) is not { } awaiter ? result : await awaiter(result).ConfigureAwait(false);
    }

    private static Func<object, Task<object?>>? AwaiterFor(Type delegateType) => Awaiters.GetOrAdd(delegateType, static delegateType =>
    {
        var returned = CallReturn.Of(delegateType);
        switch (returned.Awaited)
        {
            case CallAwaiting.Task:
                return async value => { await ((Task)value).ConfigureAwait(false); return null; };
            case CallAwaiting.ValueTask:
                return async value => { await ((ValueTask)value).ConfigureAwait(false); return null; };
            case CallAwaiting.TaskOfValue:
                var result = typeof(Task<>).MakeGenericType(returned.ValueType!).GetProperty(nameof(Task<object>.Result))!;
                return async value => { await ((Task)value).ConfigureAwait(false); return result.GetValue(value); };
            case CallAwaiting.ValueTaskOfValue:
                var valueTask = typeof(ValueTask<>).MakeGenericType(returned.ValueType!);
                var asTask = valueTask.GetMethod(nameof(ValueTask<object>.AsTask))!;
                var taskResult = asTask.ReturnType.GetProperty(nameof(Task<object>.Result))!;
                return async value =>
                {
                    var task = (Task)asTask.Invoke(value, null)!;
                    await task.ConfigureAwait(false);
                    return taskResult.GetValue(task);
                };
            default:
                return null;
        }
    });
}
