namespace BatchPool;

/// <summary>
/// What <see cref="BatchPoolFutures.Wait"/> returns, as <c>concurrent.futures.wait</c>'s named pair: the futures done
/// when it returned (finished, failed or cancelled) and the others. Deconstructs: <c>var (done, notDone) = ...</c>.
/// </summary>
/// <typeparam name="TFuture">The futures' type.</typeparam>
public sealed class DoneAndNotDoneFutures<TFuture>
    where TFuture : BatchPoolFuture
{
    internal DoneAndNotDoneFutures(IReadOnlySet<TFuture> done, IReadOnlySet<TFuture> notDone)
    {
        Done = done;
        NotDone = notDone;
    }

    /// <summary>The futures that were done when the wait returned.</summary>
    public IReadOnlySet<TFuture> Done { get; }

    /// <summary>The futures that were not done when the wait returned; they go on.</summary>
    public IReadOnlySet<TFuture> NotDone { get; }

    /// <summary>Gives <see cref="Done"/> and <see cref="NotDone"/>.</summary>
    /// <param name="done">The futures done.</param>
    /// <param name="notDone">The futures not done.</param>
    public void Deconstruct(out IReadOnlySet<TFuture> done, out IReadOnlySet<TFuture> notDone) => (done, notDone) = (Done, NotDone);
}
