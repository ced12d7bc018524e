using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Storage;

namespace Tokengate.Encryption;

/// <summary>
/// At start: makes the default local key when no key is configured and it does not exist yet, and warns whenever the
/// default key is in use, since it lies on the same machine as the data it protects.
/// </summary>
internal sealed partial class EncryptionKeyCheck(KeyEncryptionKeys keys, IOptions<DataOptions> data, ILogger<EncryptionKeyCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Settings.IsDefault) return Task.CompletedTask;
        var path = keys.Settings.LocalKeys[EncryptionKeySettings.DefaultKeyId];
        if (keys.EnsureDefaultKey()) LogDefaultKeyCreated(logger, path);
        else LogDefaultKeyInUse(logger, path);
        // Each instance of a fleet would make a key of its own, and none could read what another stored.
        if (data.Value.Provider == DatabaseProvider.PostgreSql) LogDefaultKeyInFleet(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1603, LogLevel.Warning, "No encryption key is configured: created the local key-encryption key {Path} beside the data folder. Back it up (without it stored files cannot be read) and, in production, configure your own key (Tokengate:Encryption:LocalKeys or KeyVaultKey)")]
    private static partial void LogDefaultKeyCreated(ILogger logger, string path);

    [LoggerMessage(1604, LogLevel.Warning, "No encryption key is configured: using the default local key-encryption key {Path}. In production configure your own key (Tokengate:Encryption:LocalKeys or KeyVaultKey)")]
    private static partial void LogDefaultKeyInUse(ILogger logger, string path);

    [LoggerMessage(1605, LogLevel.Warning, "The database is shared (PostgreSQL) but no encryption key is configured: each instance uses a default key of its own and cannot read what another stored. Configure one key for every instance (Tokengate:Encryption:LocalKeys on a shared secret mount, or KeyVaultKey)")]
    private static partial void LogDefaultKeyInFleet(ILogger logger);
}
