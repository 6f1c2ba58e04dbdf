using System.Collections.Concurrent;
using BatchPool.Codec;

namespace BatchPool.Worker;

/// <summary>
/// What a function's call delivers, from its declared return type: the worker awaits <see cref="Task"/>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask"/> and <see cref="ValueTask{TResult}"/> and delivers what they
/// complete with (nothing for the non-generic ones, as for <c>void</c>). The worker awaits by it and the client types
/// futures by it: one rule for every <c>Submit</c> and <c>Map</c>.
/// </summary>
/// <param name="Awaited">How the returned object is awaited; <see cref="CallAwaiting.None"/> when it is the value itself.</param>
/// <param name="ValueType">The type of the value delivered; null when none is (<c>void</c>, <see cref="Task"/>, <see cref="ValueTask"/>).</param>
internal readonly record struct CallReturn(CallAwaiting Awaited, Type? ValueType)
{
    // Asked at every Submit and Map: the answer for a delegate type is kept.
    private static readonly ConcurrentDictionary<Type, CallReturn> Known = MetadataCaches.Create<Type, CallReturn>();

    /// <summary>What a delegate of type <paramref name="delegateType"/> delivers.</summary>
    public static CallReturn Of(Type delegateType) =>
        Known.GetOrAdd(delegateType, static type => OfReturnType(type.GetMethod("Invoke")!.ReturnType));

    /// <summary>What a method whose return type is <paramref name="returnType"/> delivers.</summary>
    public static CallReturn OfReturnType(Type returnType)
    {
        if (returnType == typeof(void))
        {
            return new(CallAwaiting.None, null);
        }
        if (returnType == typeof(Task))
        {
            return new(CallAwaiting.Task, null);
        }
        if (returnType == typeof(ValueTask))
        {
            return new(CallAwaiting.ValueTask, null);
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return new(CallAwaiting.TaskOfValue, returnType.GetGenericArguments()[0]);
        }
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return new(CallAwaiting.ValueTaskOfValue, returnType.GetGenericArguments()[0]);
        }
        return new(CallAwaiting.None, returnType);
    }

    /// <summary>
    /// Whether a future whose value is declared <paramref name="futureType"/> (null: a future without a value) can hold
    /// what this call delivers.
    /// </summary>
    public bool Fits(Type? futureType) => (futureType, ValueType) switch
    {
        (null, _) => true,
        // Nothing is delivered: the future's value is null, which a non-nullable value type cannot be, and a task type
        // would be one awaited already.
        (_, null) => (!futureType.IsValueType || Nullable.GetUnderlyingType(futureType) is not null) && OfReturnType(futureType).Awaited == CallAwaiting.None,
        _ => futureType.IsAssignableFrom(ValueType),
    };
}

/// <summary>How a call's returned object is awaited before its value is delivered.</summary>
internal enum CallAwaiting
{
    /// <summary>Not at all: the returned object is the value.</summary>
    None,

    /// <summary>A <see cref="System.Threading.Tasks.Task"/>; no value.</summary>
    Task,

    /// <summary>A <see cref="Task{TResult}"/>; its result is the value.</summary>
    TaskOfValue,

    /// <summary>A <see cref="System.Threading.Tasks.ValueTask"/>; no value.</summary>
    ValueTask,

    /// <summary>A <see cref="ValueTask{TResult}"/>; its result is the value.</summary>
    ValueTaskOfValue,
}
