using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Tokengate.Proxy;

namespace Tokengate.Secrets;

/// <summary>
/// Microsoft Entra ID credentials for the gateway's own identity (backends with <c>Auth: EntraId</c>, Key Vault),
/// with their token requests sent through the <see cref="OutboundHttpClient"/> so sign-in obeys the outbound
/// allowlist like every other call.
/// </summary>
internal static class AzureSignIn
{
    /// <summary>The instance metadata service that hands managed identity tokens to Azure VMs and AKS nodes.</summary>
    public const string InstanceMetadataHost = "169.254.169.254";

    /// <summary>
    /// The hosts a credential may call to sign in: the authority (<c>AZURE_AUTHORITY_HOST</c> or the public cloud's),
    /// the instance metadata service, and the platform's managed identity endpoint when one is set
    /// (<c>IDENTITY_ENDPOINT</c> on App Service, Container Apps and Functions).
    /// </summary>
    public static IEnumerable<string> Hosts()
    {
        yield return HostOf(Environment.GetEnvironmentVariable("AZURE_AUTHORITY_HOST")) ?? AzureAuthorityHosts.AzurePublicCloud.Host;
        yield return InstanceMetadataHost;
        if (HostOf(Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT")) is { } platform) yield return platform;
    }

    /// <summary>A managed identity when a client id is given, else the default chain; transport through <paramref name="outbound"/> when given.</summary>
    public static TokenCredential Create(string? managedIdentityClientId, OutboundHttpClient? outbound)
    {
        if (managedIdentityClientId is not null)
        {
            var options = new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId));
            if (outbound is not null) options.Transport = new HttpClientTransport(outbound.CreateHttpClient());
            return new ManagedIdentityCredential(options);
        }
        var chain = new DefaultAzureCredentialOptions();
        if (outbound is not null) chain.Transport = new HttpClientTransport(outbound.CreateHttpClient());
        return new DefaultAzureCredential(chain);
    }

    private static string? HostOf(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.IdnHost : null;
}
