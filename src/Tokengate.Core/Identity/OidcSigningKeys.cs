using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Tokengate.Identity;

/// <summary>
/// The issuer and signing keys, read from the discovery document (or the key set alone) and kept until the
/// refresh interval passes, or sooner when a token names a key id that is not known (rotation at the issuer).
/// One read at a time; a failed read keeps the last good keys. Times come from <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class OidcSigningKeys(OidcOptions options, IDocumentRetriever retriever, TimeProvider time, ILogger<OidcSigningKeys> logger)
{
    private readonly Lock _gate = new();
    private OidcKeySet? _current;
    private Task<OidcKeySet?>? _reading;
    private DateTimeOffset _lastRead = DateTimeOffset.MinValue;

    /// <summary>The keys in force, read first when there are none yet or they are due for a refresh.</summary>
    public ValueTask<OidcKeySet?> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() - current.ReadAt < options.MetadataRefreshInterval) return ValueTask.FromResult<OidcKeySet?>(current);
        return new ValueTask<OidcKeySet?>(ReadAsync(force: false));
    }

    /// <summary>
    /// Re-reads after a token named an unknown key; returns null when a read happened less than
    /// <see cref="OidcOptions.UnknownKeyRefreshInterval"/> ago (nothing new to learn).
    /// </summary>
    public Task<OidcKeySet?> RefreshForUnknownKeyAsync()
    {
        lock (_gate)
        {
            if (_reading is null && time.GetUtcNow() - _lastRead < options.UnknownKeyRefreshInterval) return Task.FromResult<OidcKeySet?>(null);
        }
        return ReadAsync(force: true);
    }

    private Task<OidcKeySet?> ReadAsync(bool force)
    {
        lock (_gate)
        {
            if (_reading is not null) return _reading;
            if (!force && _current is { } current && time.GetUtcNow() - current.ReadAt < options.MetadataRefreshInterval) return Task.FromResult<OidcKeySet?>(current);
            // A read that fails before its first await has already run its finally; only a pending one is shared.
            var reading = ReadCoreAsync();
            if (!reading.IsCompleted) _reading = reading;
            return reading;
        }
    }

    private async Task<OidcKeySet?> ReadCoreAsync()
    {
        try
        {
            // Not the caller's token: one consumer going away must not abort the read others wait for.
            OpenIdConnectConfiguration configuration;
            if (options.EffectiveMetadataAddress is { } metadata)
            {
                configuration = await OpenIdConnectConfigurationRetriever.GetAsync(metadata, retriever, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                var jwks = new JsonWebKeySet(await retriever.GetDocumentAsync(options.JwksUri!, CancellationToken.None).ConfigureAwait(false));
                configuration = new OpenIdConnectConfiguration { JsonWebKeySet = jwks };
                foreach (var key in jwks.GetSigningKeys()) configuration.SigningKeys.Add(key);
            }

            var issuer = string.IsNullOrWhiteSpace(options.Issuer) ? configuration.Issuer : options.Issuer;
            if (string.IsNullOrWhiteSpace(issuer)) throw new InvalidOperationException("the discovery document names no issuer");
            var keys = new OidcKeySet(issuer, [.. configuration.SigningKeys], time.GetUtcNow());
            _current = keys;
            LogKeysRead(logger, keys.Keys.Count, issuer);
            return keys;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidOperationException or ArgumentException)
        {
            LogReadFailed(logger, ex.Message);
            return _current;
        }
        finally
        {
            lock (_gate)
            {
                _lastRead = time.GetUtcNow();
                _reading = null;
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Read {KeyCount} signing keys of issuer {Issuer}")]
    private static partial void LogKeysRead(ILogger logger, int keyCount, string issuer);

    [LoggerMessage(2, LogLevel.Error, "Could not read the OIDC issuer's metadata or keys; the last good keys stay in force: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
