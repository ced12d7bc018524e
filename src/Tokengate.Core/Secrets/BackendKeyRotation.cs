using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Proxy;

namespace Tokengate.Secrets;

/// <summary>
/// Switches a backend between its two keys (<c>ApiKey</c> and <c>SecondaryApiKey</c>, Azure's key 1 and key 2),
/// re-reading both secrets first so a key regenerated since the last read is used. The hook for operators (the admin
/// API calls <see cref="RotateAsync"/>) and for <see cref="ScheduledKeyRotation"/>. Requests in flight keep the key
/// they were sent with; the next ones use the other key.
/// </summary>
internal sealed partial class BackendKeyRotation(GatewayConfiguration configuration, ISecretResolver secrets, ILogger<BackendKeyRotation> logger)
{
    /// <summary>Re-reads both keys of <paramref name="backendName"/> and makes the one not in use active.</summary>
    /// <returns>The key now in use.</returns>
    /// <exception cref="KeyNotFoundException">No backend has that name.</exception>
    /// <exception cref="InvalidOperationException">It has no second key, or a secret cannot be read (nothing changed).</exception>
    public Task<ApiKeyCredentialSlot> RotateAsync(string backendName, CancellationToken cancellationToken = default) =>
        RotateCredentialAsync(Find(backendName), "on command", cancellationToken);

    /// <summary>The API key credentials of the current configuration.</summary>
    public IEnumerable<ApiKeyBackendCredential> Credentials()
    {
        foreach (var pool in configuration.Current.Pools)
        {
            foreach (var backend in pool.Backends)
            {
                if (backend.Credential is ApiKeyBackendCredential credential) yield return credential;
            }
        }
    }

    public async Task<ApiKeyCredentialSlot> RotateCredentialAsync(ApiKeyBackendCredential credential, string reason, CancellationToken cancellationToken)
    {
        var primaryReference = credential.PrimaryReference;
        var secondaryReference = credential.SecondaryReference
            ?? throw new InvalidOperationException($"Backend '{credential.BackendName}' has no SecondaryApiKey to rotate to.");

        // A store may be remote (Key Vault): read on the thread pool, never on a request's thread.
        var (primary, secondary) = await Task.Run(
            () => (new SecretValue(primaryReference, secrets.Resolve(primaryReference)), new SecretValue(secondaryReference, secrets.Resolve(secondaryReference))),
            cancellationToken).ConfigureAwait(false);
        var active = credential.Rotate(primary, secondary);
        LogRotated(logger, credential.BackendName, active, reason);
        return active;
    }

    private ApiKeyBackendCredential Find(string backendName)
    {
        foreach (var pool in configuration.Current.Pools)
        {
            foreach (var backend in pool.Backends)
            {
                if (!string.Equals(backend.Name, backendName, StringComparison.OrdinalIgnoreCase)) continue;
                return backend.Credential as ApiKeyBackendCredential
                    ?? throw new InvalidOperationException($"Backend '{backend.Name}' does not authenticate with API keys.");
            }
        }
        throw new KeyNotFoundException($"No backend is named '{backendName}'.");
    }

    [LoggerMessage(1, LogLevel.Information, "Backend {Backend} now uses its {Slot} key (rotated {Reason}; both keys re-read)")]
    private static partial void LogRotated(ILogger logger, string backend, ApiKeyCredentialSlot slot, string reason);
}
