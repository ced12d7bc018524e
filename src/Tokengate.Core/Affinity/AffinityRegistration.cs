using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.State;
using Tokengate.Storage;

namespace Tokengate.Affinity;

/// <summary>
/// Registers <see cref="IAffinityStore"/> where <c>Tokengate:State:Provider</c> puts the shared state, as
/// <see cref="SharedState"/> does: in memory for one instance, Redis plus the database's durable copy for a fleet.
/// Expects <see cref="SharedState.AddSharedState"/> (the Redis connection) and <see cref="DataStorage.AddDataStorage"/>
/// (the database) to be registered before it, so the writer starts after the migrations.
/// </summary>
internal static class AffinityRegistration
{
    public static IServiceCollection AddAffinity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AffinityOptions>, AffinityOptionsValidator>();
        services.AddOptions<AffinityOptions>().Configure(o => configuration.GetSection(AffinityOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<AffinityMetrics>();
        // The table exists whichever store runs, so the schema does not depend on the state provider.
        services.AddSingleton<IMigrationSource, AffinityMigrations>();

        var provider = configuration.GetSection(StateOptions.SectionName).Get<StateOptions>()?.Provider ?? StateProvider.InMemory;
        if (provider == StateProvider.Redis)
        {
            services.AddSingleton<AffinityTable>();
            services.AddSingleton<AffinityQueue>();
            services.AddSingleton<AffinityWriter>();
            services.AddHostedService(sp => sp.GetRequiredService<AffinityWriter>());
            services.AddHostedService<AffinityPruner>();
            services.AddSingleton<IAffinityStore, RedisAffinityStore>();
            return services;
        }

        services.AddSingleton<IAffinityStore>(sp => new InMemoryAffinityStore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AffinityOptions>>().Value.MaxRecords, sp.GetRequiredService<AffinityMetrics>()));
        return services;
    }
}
