using System.Runtime.ExceptionServices;

namespace BatchPool.Codec;

/// <summary>Runs recursive (de)serialization of large graphs on a thread with a large stack, so a long linked list cannot overflow it.</summary>
internal static class DeepStack
{
    private const int StackBytes = 512 * 1024 * 1024;

    /// <summary>Runs <paramref name="work"/> over <paramref name="state"/> on a new thread with a large stack, and waits.</summary>
    public static T Run<TState, T>(TState state, Func<TState, T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    result = work(state);
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            },
            StackBytes)
        {
            Name = "BatchPool codec",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
