using Microsoft.Extensions.Hosting;

namespace BatchPool;

/// <summary>Stops the jobs of the executors the factory made when the host stops.</summary>
internal sealed class BatchPoolHostedService(BatchPoolExecutorFactory factory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => factory.StopAllAsync(cancellationToken);
}
