using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tokengate.Encryption;

/// <summary>
/// At start: makes the default local key when no key is configured and it does not exist yet, and warns whenever the
/// default key is in use, since it lies on the same machine as the data it protects.
/// </summary>
internal sealed partial class EncryptionKeyCheck(KeyEncryptionKeys keys, ILogger<EncryptionKeyCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!keys.Settings.IsDefault) return Task.CompletedTask;
        var path = keys.Settings.LocalKeys[EncryptionKeySettings.DefaultKeyId];
        if (keys.EnsureDefaultKey()) LogDefaultKeyCreated(logger, path);
        else LogDefaultKeyInUse(logger, path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1603, LogLevel.Warning, "No encryption key is configured: created the local key-encryption key {Path} beside the data folder. Back it up (without it stored files cannot be read) and, in production, configure your own key (Tokengate:Encryption:LocalKeys or KeyVaultKey)")]
    private static partial void LogDefaultKeyCreated(ILogger logger, string path);

    [LoggerMessage(1604, LogLevel.Warning, "No encryption key is configured: using the default local key-encryption key {Path}. In production configure your own key (Tokengate:Encryption:LocalKeys or KeyVaultKey)")]
    private static partial void LogDefaultKeyInUse(ILogger logger, string path);
}
