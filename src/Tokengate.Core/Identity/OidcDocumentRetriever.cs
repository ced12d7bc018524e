using Microsoft.IdentityModel.Protocols;
using Tokengate.Proxy;

namespace Tokengate.Identity;

/// <summary>
/// Reads the issuer's discovery document and key set through the gateway's one outbound client, so identity
/// traffic obeys the same rules (allowlist, no proxy, no redirects) as every other outbound call.
/// </summary>
internal sealed class OidcDocumentRetriever(OutboundHttpClient client, bool requireHttps, TimeSpan timeout) : IDocumentRetriever
{
    private const int MaxDocumentBytes = 1024 * 1024;

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (requireHttps && uri.Scheme != Uri.UriSchemeHttps))
            throw new IOException($"The identity document address '{address}' is not an absolute https URL.");

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeoutSource.CancelAfter(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await client.SendAsync(request, timeoutSource.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new IOException($"The identity document at '{address}' answered {(int)response.StatusCode}.");
        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            throw new IOException($"The identity document at '{address}' is larger than {MaxDocumentBytes} bytes.");
        return await response.Content.ReadAsStringAsync(timeoutSource.Token).ConfigureAwait(false);
    }
}
