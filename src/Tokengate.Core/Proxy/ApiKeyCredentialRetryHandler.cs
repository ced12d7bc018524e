using System.Net;
using Microsoft.Extensions.Logging;

namespace Tokengate.Proxy;

/// <summary>
/// When a backend answers 401 to the key in use and has another key, the same attempt is sent once more with the
/// other key, which becomes the active one. A key regenerated in the Azure portal before the gateway was told thus
/// costs one extra round trip, not a failed request or a failover to another region.
/// </summary>
internal sealed partial class ApiKeyCredentialRetryHandler(ILogger logger) : DelegatingHandler
{
    /// <remarks>
    /// A request the credential did not mark (its backend has one key, or it is not a backend call) goes straight
    /// through, without an async step of this handler's own on every request.
    /// </remarks>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Options.TryGetValue(ApiKeyBackendCredential.AppliedKey, out var applied)
            ? SendRetryingRefusedKeyAsync(request, applied, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendRetryingRefusedKeyAsync(HttpRequestMessage request, ApiKeyBackendCredential.Applied applied, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !applied.Credential.TryReplaceRefusedKey(applied, request, out var switched))
        {
            return response;
        }

        if (switched) LogSwitched(logger, applied.Credential.BackendName, applied.Slot);
        response.Dispose();
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(2, LogLevel.Warning, "Backend {Backend} refused its {Slot} key with 401; switched to its other key and retried")]
    private static partial void LogSwitched(ILogger logger, string backend, ApiKeyCredentialSlot slot);
}
