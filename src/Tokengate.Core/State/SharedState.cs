using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Limits;
using Tokengate.Routing;

namespace Tokengate.State;

/// <summary>
/// Registers the hot state chosen by <see cref="StateOptions"/>: rate-limit counters (<see cref="ILimitStore"/>), budget spend (<see cref="IBudgetStore"/>),
/// backend health (<see cref="IBackendHealth"/>) and change notifications (<see cref="IStateChangeNotifier"/>),
/// in memory or in Redis. Nothing else in the gateway knows which.
/// </summary>
internal static class SharedState
{
    public static IServiceCollection AddSharedState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<StateOptions>, StateOptionsValidator>();
        services.AddOptions<StateOptions>().Configure(o => configuration.GetSection(StateOptions.SectionName).Bind(o)).ValidateOnStart();
        var provider = configuration.GetSection(StateOptions.SectionName).Get<StateOptions>()?.Provider ?? StateProvider.InMemory;
        services.AddSingleton(new StateStatus(provider));
        services.AddSingleton<StateMetrics>();

        if (provider == StateProvider.Redis)
        {
            // Start order matters: the connection first, then what subscribes and loads through it.
            services.AddSingleton<RedisConnection>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
            services.AddSingleton<ILimitStore, RedisLimitStore>();
            services.AddSingleton<IBudgetStore, RedisBudgetStore>();
            services.AddSingleton<RedisBackendHealth>();
            services.AddSingleton<IBackendHealth>(sp => sp.GetRequiredService<RedisBackendHealth>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisBackendHealth>());
            services.AddSingleton<RedisStateChangeNotifier>();
            services.AddSingleton<IStateChangeNotifier>(sp => sp.GetRequiredService<RedisStateChangeNotifier>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisStateChangeNotifier>());
            return services;
        }

        services.AddSingleton<ILimitStore, InMemoryLimitStore>();
        services.AddSingleton<IBudgetStore>(sp => new InMemoryBudgetStore(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<BudgetAlertQueue>()));
        services.AddSingleton<IBackendHealth>(sp =>
        {
            var config = sp.GetRequiredService<GatewayConfiguration>();
            return new InMemoryBackendHealth(sp.GetRequiredService<TimeProvider>(), () => config.Current.Forwarding, sp.GetService<BackendDrainState>());
        });
        services.AddSingleton<IStateChangeNotifier, InMemoryStateChangeNotifier>();
        return services;
    }
}
