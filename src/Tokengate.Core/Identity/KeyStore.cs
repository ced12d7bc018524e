using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Identity;

/// <summary>Registers stored consumers and keys, the in-memory lookup the request path reads, and failure throttling.</summary>
internal static class KeyStore
{
    public static IServiceCollection AddKeyStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<KeyStoreOptions>, KeyStoreOptionsValidator>();
        services.AddOptions<KeyStoreOptions>().Configure(o => configuration.GetSection(KeyStoreOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthFailureOptions>, AuthFailureOptionsValidator>();
        services.AddOptions<AuthFailureOptions>().Configure(o => configuration.GetSection(AuthFailureOptions.SectionName).Bind(o)).ValidateOnStart();

        services.AddSingleton<IMigrationSource, IdentityMigrations>();
        services.AddSingleton<ConsumerStore>();
        services.AddSingleton<LocalOperatorCredential>();
        services.AddSingleton<ConsumerDirectory>();
        services.AddSingleton<IConsumerKeyStore>(sp => sp.GetRequiredService<ConsumerDirectory>());
        services.AddSingleton<AuthFailureThrottle>();
        services.AddSingleton<ConsumerAdministration>();
        // After the migration runner (registered earlier): the first load needs the tables.
        services.AddHostedService<ConsumerDirectoryRefresher>();
        services.AddHostedService<LocalOperatorAccess>();
        return services;
    }
}
