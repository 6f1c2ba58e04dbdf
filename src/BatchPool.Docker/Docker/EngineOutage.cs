namespace BatchPool.Docker;

/// <summary>
/// How a session rides out an engine that cannot be reached for a while (dockerd stopped, restarting, or upgraded): a
/// call that could not reach it is made again once the engine answers its ping, for at most <see cref="Limit"/> from the
/// call's first failure; after that the failure stands, saying how long the engine was away. Without it, every job the
/// session took during a restart of a few seconds failed at once, and so did its retries.
/// </summary>
/// <remarks>
/// A call made again is safe for every call the session makes: waiting, inspecting and reading a log are reads; a kill, a
/// start or a removal of what is already so is a no-op; a create whose answer was lost fails on its name, and that job's
/// attempt ends as lost to the infrastructure (the executor runs it again).
/// </remarks>
internal sealed class EngineOutage(IContainerEngine engine, CancellationToken closing)
{
    /// <summary>How long a call waits for an engine that cannot be reached.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PingEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>Makes <paramref name="call"/>, and again each time the engine could not be reached and then answers again.</summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        long? since = null;
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ContainerEngineException e) when (e.Unreachable && !closing.IsCancellationRequested)
            {
                since ??= Environment.TickCount64;
                if (!await AnswersAgainAsync(since.Value).ConfigureAwait(false))
                {
                    throw new ContainerEngineException($"{e.Message}; it did not answer again within {Limit.TotalSeconds:0} s", null, e, unreachable: true);
                }
            }
        }
    }

    /// <inheritdoc cref="CallAsync{T}(Func{Task{T}})"/>
    public Task CallAsync(Func<Task> call) => CallAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    /// <summary>Pings the engine until it answers (true), the limit from <paramref name="since"/> passes or the session closes (false).</summary>
    private async Task<bool> AnswersAgainAsync(long since)
    {
        while (Environment.TickCount64 - since < (long)Limit.TotalMilliseconds && !closing.IsCancellationRequested)
        {
            try
            {
                await engine.PingAsync(CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (ContainerEngineException)
            {
                // Not yet.
            }
            try
            {
                await Task.Delay(PingEvery, closing).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return false;
    }
}
