using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace BatchPool.Worker;

/// <summary>Calls a shipped function; asynchronous functions (Task, ValueTask) run to completion, as the original runs coroutines.</summary>
internal static class CallInvoker
{
    private static readonly ConcurrentDictionary<Type, Func<object, Task<object?>>> Awaiters = new();

    public static async Task<object?> InvokeAsync(Delegate function, object?[] arguments)
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
        var returnType = function.GetType().GetMethod("Invoke")!.ReturnType;
        return result is null ? null : await AwaiterFor(returnType)(result).ConfigureAwait(false);
    }

    private static Func<object, Task<object?>> AwaiterFor(Type returnType) => Awaiters.GetOrAdd(returnType, static type =>
    {
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
        return value => Task.FromResult<object?>(value);
    });
}
