using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Tokengate.Configuration;
using Tokengate.Proxy;

namespace Tokengate.Secrets;

/// <summary>
/// Key Vault through <c>Azure.Security.KeyVault.Secrets</c>, signed in with a user-assigned managed identity when one
/// is configured, else the default credential chain. Its HTTP calls go through <see cref="OutboundHttpClient"/>, so
/// the vault host must be on the outbound allowlist like any other.
/// </summary>
internal sealed class AzureKeyVaultSecretClient(Func<SecretsOptions> options, Func<OutboundHttpClient> outbound) : IKeyVaultSecretClient
{
    private readonly ConcurrentDictionary<(Uri Vault, string? Identity), SecretClient> _clients = new();
    private readonly Func<OutboundHttpClient> _outbound = outbound;

    public bool TryGetSecret(KeyVaultReference reference, out string value, out string problem)
    {
        value = "";
        problem = "";
        try
        {
            var secret = Client(reference.VaultUri).GetSecret(reference.Name, reference.Version).Value;
            value = secret.Value ?? "";
            return true;
        }
        catch (RequestFailedException ex)
        {
            // Status and error code only: the service's message may echo request details.
            problem = $"Key Vault answered {ex.Status} ({ex.ErrorCode ?? "no error code"}) when reading {reference}.";
            return false;
        }
        catch (AuthenticationFailedException)
        {
            problem = $"no Azure identity could sign in to read {reference}; give the gateway a managed identity with the 'Key Vault Secrets User' role (Tokengate:Secrets:KeyVaultManagedIdentityClientId) or sign in for development.";
            return false;
        }
    }

    private SecretClient Client(Uri vault)
    {
        var identity = options().KeyVaultManagedIdentityClientId;
        return _clients.GetOrAdd((vault, identity), static (key, self) =>
        {
            var credential = AzureSignIn.Create(key.Identity, self._outbound());
            var clientOptions = new SecretClientOptions { Transport = new HttpClientTransport(self._outbound().CreateHttpClient()) };
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            return new SecretClient(key.Vault, credential, clientOptions);
        }, this);
    }
}
