namespace BatchPool.Codec;

/// <summary>
/// One spare <typeparamref name="T"/> per thread, for the working tables a payload's encoding or decoding fills and empties
/// again: most payloads are small and handled one after another, so a thread reuses the last one's instead of allocating.
/// </summary>
internal static class ThreadSpare<T>
    where T : class, new()
{
    /// <summary>Tables larger than this many entries are let go rather than kept (emptying them costs what they hold).</summary>
    public const int KeptUpTo = 4096;

    [ThreadStatic]
    private static T? t_spare;

    /// <summary>The thread's spare, or a new one; either way the caller's alone until given back.</summary>
    public static T Take()
    {
        var spare = t_spare ?? new T();
        t_spare = null;
        return spare;
    }

    /// <summary>Keeps <paramref name="emptied"/> (already emptied by the caller) for the thread's next <see cref="Take"/>.</summary>
    public static void Give(T emptied) => t_spare = emptied;
}
