using Microsoft.Extensions.DependencyInjection;
using Tokengate.Storage;

namespace Tokengate.Batches;

/// <summary>Registers the Batch API: its tables, store, service, both modes and the runner of gateway-run batches.</summary>
internal static class BatchesRegistration
{
    public static IServiceCollection AddBatches(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, BatchesMigrations>();
        services.AddSingleton<BatchStore>();
        services.AddSingleton<BatchSealing>();
        services.AddSingleton<BatchSignal>();
        services.AddSingleton<BatchLineExecutor>();
        services.AddSingleton<BatchOutput>();
        services.AddSingleton<AzureBatches>();
        services.AddSingleton<BatchService>();
        services.AddHostedService<BatchRunner>();
        return services;
    }
}
