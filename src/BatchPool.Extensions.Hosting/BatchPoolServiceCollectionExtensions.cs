using BatchPool;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers BatchPool in a service container.</summary>
public static class BatchPoolServiceCollectionExtensions
{
    /// <summary>
    /// Registers the backend that <paramref name="configuration"/> (a section such as <c>BatchPool</c>) describes, as
    /// <see cref="IBatchBackend"/> (one instance, made when first asked for, disposed with the container), and
    /// <see cref="BatchPoolExecutorFactory"/>. Settings are checked when the backend is made: a bad value throws
    /// <see cref="BatchPoolSettingException"/> naming its key. Stopping a host stops the jobs of the executors it made.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section; see <see cref="BatchPoolOptions"/> for its keys.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBatchPool(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddBatchPool(options => options.ReadFrom(configuration));
    }

    /// <summary>
    /// Registers the backend that the options <paramref name="configure"/> sets describe, as <see cref="IBatchBackend"/>
    /// (one instance, disposed with the container), and <see cref="BatchPoolExecutorFactory"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddBatchPool(this IServiceCollection services, Action<BatchPoolOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BatchPoolOptions>().Configure(configure);
        services.TryAddSingleton(provider => BatchPoolBackendFactory.Create(provider.GetRequiredService<IOptions<BatchPoolOptions>>().Value, provider));
        services.TryAddSingleton<BatchPoolExecutorFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BatchPoolHostedService>());
        return services;
    }
}
