using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using BatchPool.Codec;

namespace BatchPool.Worker;

/// <summary>Calls a shipped function; asynchronous functions (Task, ValueTask) run to completion, as the original runs coroutines.</summary>
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
        var type = delegateType.GetMethod("Invoke")!.ReturnType;
        if (type == typeof(Task))
        {
            return async value => { await ((Task)value).ConfigureAwait(false); return null; };
        }
        if (type == typeof(ValueTask))
        {
            return async value => { await ((ValueTask)value).ConfigureAwait(false); return null; };
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var result = type.GetProperty(nameof(Task<object>.Result))!;
            return async value => { await ((Task)value).ConfigureAwait(false); return result.GetValue(value); };
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = type.GetMethod(nameof(ValueTask<object>.AsTask))!;
            var result = asTask.ReturnType.GetProperty(nameof(Task<object>.Result))!;
            return async value =>
            {
                var task = (Task)asTask.Invoke(value, null)!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            };
        }
        return null;
    });
}
