using System.Diagnostics;
using System.Net;

namespace Tokengate.Proxy;

/// <summary>
/// The one client every outbound call of the gateway goes through: no proxy discovery, no redirects, no cookies,
/// no decompression (bytes are relayed as received), pooled connections that are recycled so DNS changes are
/// followed.
/// </summary>
internal sealed class OutboundHttpClient : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    public OutboundHttpClient(TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = int.MaxValue,
            // The consumer's trace headers are forwarded as they came; the handler adds none of its own.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    public void Dispose() => _invoker.Dispose();
}
