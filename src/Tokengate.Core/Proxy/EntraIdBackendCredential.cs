using System.Net.Http.Headers;
using System.Net.WebSockets;
using Azure.Core;

namespace Tokengate.Proxy;

/// <summary>
/// A Microsoft Entra ID token for Azure OpenAI, cached until five minutes before it expires so the hot path
/// only reads a field.
/// </summary>
internal sealed class EntraIdBackendCredential(TokenCredential credential, TimeProvider time) : BackendCredential
{
    private static readonly TokenRequestContext Scope = new(["https://cognitiveservices.azure.com/.default"]);
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CachedToken? _cached;

    public override async ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Headers.Authorization = (await TokenAsync(cancellationToken).ConfigureAwait(false)).Header;

    public override async ValueTask ApplyAsync(ClientWebSocketOptions options, CancellationToken cancellationToken) =>
        options.SetRequestHeader("Authorization", (await TokenAsync(cancellationToken).ConfigureAwait(false)).Header.ToString());

    private ValueTask<CachedToken> TokenAsync(CancellationToken cancellationToken)
    {
        var token = _cached;
        return token is null || time.GetUtcNow() >= token.RefreshAt ? new(RefreshAsync(cancellationToken)) : new(token);
    }

    public override string ToString() => "Entra ID token for https://cognitiveservices.azure.com";

    private async Task<CachedToken> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = _cached;
            if (current is not null && time.GetUtcNow() < current.RefreshAt) return current;
            var access = await credential.GetTokenAsync(Scope, cancellationToken).ConfigureAwait(false);
            var fresh = new CachedToken(new AuthenticationHeaderValue("Bearer", access.Token), access.ExpiresOn - RefreshMargin);
            _cached = fresh;
            return fresh;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record CachedToken(AuthenticationHeaderValue Header, DateTimeOffset RefreshAt);
}
