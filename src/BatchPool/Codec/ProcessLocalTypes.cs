using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BatchPool.Codec;

/// <summary>Types whose instances only make sense in the process that created them, each with what to ship instead.</summary>
internal static class ProcessLocalTypes
{
    private const string Reflection = "reflection objects are bound to the assemblies loaded in this process; capture names (or a delegate) instead.";
    private const string SharedClosure =
        "A lambda captures it when any lambda of the same method uses it (C# shares one closure object per scope): submit a lambda built where it is not captured.";
    private const string Synchronization = "a synchronization primitive coordinates threads of this process only; create it inside the function instead.";

    private static readonly (Type Type, string Reason)[] Refused =
    [
        (typeof(Stream), "a stream holds an open handle of this process; capture the data or a path instead."),
        (typeof(Thread), "a thread runs only in this process; ship the work it does as a function instead."),
        (typeof(Task), "a task is work running in this process; await it and capture its result instead."),
        (typeof(ValueTask), "a task is work running in this process; await it and capture its result instead."),
        (typeof(SafeHandle), "an OS handle is valid only in this process; capture what it refers to (e.g. a path) instead."),
        (typeof(CriticalHandle), "an OS handle is valid only in this process; capture what it refers to (e.g. a path) instead."),
        (typeof(WaitHandle), "a wait handle is an OS handle of this process; " + Synchronization[2..]),
        (typeof(CancellationTokenSource), "cancellation belongs to this process; the executor cancels remote calls itself."),
        (typeof(CancellationToken), "cancellation belongs to this process; the executor cancels remote calls itself."),
        (typeof(MemberInfo), Reflection),
        (typeof(Assembly), Reflection),
        (typeof(Module), Reflection),
        (typeof(ParameterInfo), Reflection),
        (typeof(ExecutionContext), "an execution context is part of this process's threading machinery."),
        (typeof(SynchronizationContext), "a synchronization context is part of this process's threading machinery."),
        (typeof(TaskScheduler), "a task scheduler is part of this process's threading machinery."),
        (typeof(Timer), "a timer fires in this process only; schedule work on the other side instead."),
        (typeof(SemaphoreSlim), Synchronization),
        (typeof(ManualResetEventSlim), Synchronization),
        (typeof(ReaderWriterLockSlim), Synchronization),
        (typeof(WeakReference), "a weak reference is a GC handle of this process; capture the object itself instead."),
        (typeof(WeakReference<>), "a weak reference is a GC handle of this process; capture the object itself instead."),
        (typeof(GCHandle), "a GC handle is valid only in this process; capture the object itself instead."),
        (typeof(ConditionalWeakTable<,>), "a conditional weak table holds GC handles of this process; capture its keys and values instead."),
        (typeof(System.Runtime.DependentHandle), "a dependent handle is a GC handle of this process; capture the objects themselves instead."),
        (typeof(ThreadLocal<>), "a thread-local value belongs to this process's threads (its slot ids would collide with the worker's own); capture its value instead."),
        (typeof(System.Collections.Concurrent.ConcurrentBag<>), "a ConcurrentBag keeps its items in per-thread lists of this process; ship an array or a ConcurrentQueue of them instead."),
        (typeof(IntPtr), "a native pointer is meaningful only in this process."),
        (typeof(UIntPtr), "a native pointer is meaningful only in this process."),
        (typeof(BatchPoolExecutor), "an executor runs in this process. " + SharedClosure),
        (typeof(BatchPoolFuture), "a future waits for a job from this process; capture its result instead. " + SharedClosure),
    ];

    /// <summary>
    /// Classes refused by name (and a framework assembly): naming their types would load System.Net.Sockets,
    /// System.Diagnostics.Process and System.Net.Http into every process that encodes, a fresh worker included, while
    /// a value of one exists only where they are loaded already.
    /// </summary>
    private static readonly (string FullName, string Reason)[] RefusedByName =
    [
        ("System.Net.Sockets.Socket", "a socket is an open connection of this process; ship its address instead."),
        ("System.Diagnostics.Process", "a process object belongs to this process; ship its id or command line instead."),
        ("System.Net.Http.HttpMessageInvoker", "an HTTP client holds open connections of this process; create it inside the function instead."),
    ];

    /// <summary>Why values of <paramref name="type"/> cannot be shipped, or null when they can.</summary>
    public static string? ReasonFor(Type type)
    {
        foreach (var (refused, reason) in Refused)
        {
            if (refused.IsGenericTypeDefinition
                    ? type.IsGenericType && type.GetGenericTypeDefinition() == refused
                    : refused.IsAssignableFrom(type))
            {
                return reason;
            }
        }

        for (var level = type; level is not null; level = level.BaseType)
        {
            foreach (var (name, reason) in RefusedByName)
            {
                if (level.FullName == name && !AssemblyKind.IsUser(level.Assembly))
                {
                    return reason;
                }
            }
        }

        return type.Assembly.IsDynamic
            ? "its type was generated at run time (Reflection.Emit) and does not exist in another process."
            : null;
    }
}
