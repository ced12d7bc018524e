using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Proxy;
using Tokengate.Secrets;
using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>
/// Registers <see cref="IEnvelopeEncryption"/> (always on), its options (validated on start), the key table's
/// migration, and the start-up check that makes the default local key when no key is configured. Expects
/// <see cref="DataStorage.AddDataStorage"/> and the <see cref="OutboundHttpClient"/> to be registered.
/// </summary>
internal static class EncryptionRegistration
{
    public static IServiceCollection AddEncryption(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<EncryptionOptions>, EncryptionOptionsValidator>();
        services.AddOptions<EncryptionOptions>().Configure(o => configuration.GetSection(EncryptionOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IMigrationSource, EncryptionMigrations>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EncryptionOptions>>().Value;
            var settings = EncryptionKeySettings.Resolve(options, sp.GetRequiredService<IOptions<DataOptions>>().Value);
            KeyVaultKeyClient? vault = null;
            if (settings.KeyVaultKey is { } key)
            {
                var outbound = sp.GetRequiredService<OutboundHttpClient>();
                vault = new KeyVaultKeyClient(key, options.KeyVaultAlgorithm, AzureSignIn.Create(options.KeyVaultManagedIdentityClientId, outbound),
                    outbound, sp.GetRequiredService<TimeProvider>());
            }
            return new KeyEncryptionKeys(settings, vault);
        });
        services.AddSingleton(sp => new EnvelopeEncryption(
            new DataKeyTable(sp.GetRequiredService<IDatabase>()),
            sp.GetRequiredService<KeyEncryptionKeys>(),
            new DataKeyCache(sp.GetRequiredService<IOptions<EncryptionOptions>>().Value.CacheSize, sp.GetRequiredService<IOptions<EncryptionOptions>>().Value.CacheLifetime, sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<IOptions<EncryptionOptions>>().Value.RotationBatchSize,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<EnvelopeEncryption>>()));
        services.AddSingleton<IEnvelopeEncryption>(sp => sp.GetRequiredService<EnvelopeEncryption>());
        services.AddHostedService<EncryptionKeyCheck>();
        return services;
    }
}
