using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Settings;

/// <summary>Registers managed settings (the configuration layer the admin API writes) and maps their endpoints.</summary>
internal static class ManagedSettingsRegistration
{
    /// <summary>
    /// Registers the store, the write path and the refresher. Call after the migration runner is registered: the
    /// refresher's first read needs the table, and it must run before the services that read budgets at start.
    /// </summary>
    public static IServiceCollection AddManagedSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<ManagedSettingsOptions>, ManagedSettingsOptionsValidator>();
        services.AddOptions<ManagedSettingsOptions>().Configure(o => configuration.GetSection(ManagedSettingsOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IMigrationSource, ManagedSettingsMigrations>();
        // The host inserts the layer (GatewayServer); a host that did not gets a detached one, so writes are stored and
        // validated but come into force only where the layer is part of configuration.
        var provider = (configuration as IConfigurationRoot)?.Providers.OfType<ManagedSettingsProvider>().FirstOrDefault() ?? new ManagedSettingsProvider();
        services.AddSingleton(provider);
        services.AddSingleton<ManagedSettingsStore>();
        services.AddSingleton<ManagedSettings>();
        services.AddSingleton<PolicyView>();
        services.AddSingleton<GroupDirectory>();
        services.AddSingleton<ManagedSettingsRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<ManagedSettingsRefresher>());
        return services;
    }
}
