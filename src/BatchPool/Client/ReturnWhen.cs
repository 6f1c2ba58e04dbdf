namespace BatchPool;

/// <summary>When <see cref="BatchPoolFutures.Wait"/> returns, as <c>concurrent.futures.wait</c>'s <c>return_when</c>.</summary>
public enum ReturnWhen
{
    /// <summary>When every future is done (finished, failed or cancelled), or the timeout passed: <c>ALL_COMPLETED</c>.</summary>
    AllCompleted,

    /// <summary>When any future is done, or the timeout passed: <c>FIRST_COMPLETED</c>.</summary>
    FirstCompleted,

    /// <summary>
    /// When any future ends with an exception (a cancelled one does not count), else when every future is done, or the
    /// timeout passed: <c>FIRST_EXCEPTION</c>.
    /// </summary>
    FirstException,
}
