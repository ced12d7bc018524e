using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tokengate.Network;

namespace Tokengate.Proxy;

/// <summary>
/// The one client every outbound call of the gateway goes through: no proxy discovery, no redirects, no cookies,
/// no decompression (bytes are relayed as received), pooled connections that are recycled so DNS changes are
/// followed, and the outbound host allowlist enforced twice: on every request, and again in the connect callback,
/// which every new connection of the handler passes whatever sent the request (WebSocket handshakes included).
/// </summary>
internal sealed partial class OutboundHttpClient : IDisposable
{
    private readonly HttpMessageHandler _handler;
    private readonly HttpMessageInvoker _invoker;
    private readonly ILogger<OutboundHttpClient> _logger;
    private volatile OutboundAllowlist _allowlist;

    public OutboundHttpClient(TimeSpan connectTimeout, OutboundAllowlist allowlist, ILogger<OutboundHttpClient> logger)
    {
        _allowlist = allowlist;
        _logger = logger;
        var sockets = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
            MaxConnectionsPerServer = int.MaxValue,
            // The consumer's trace headers are forwarded as they came; the handler adds none of its own.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        };
        _handler = new OutboundAllowlistHandler(this) { InnerHandler = new ApiKeyCredentialRetryHandler(logger) { InnerHandler = sockets } };
        _invoker = new HttpMessageInvoker(_handler, disposeHandler: true);
    }

    /// <summary>The hosts allowed now; replaced when the configuration is reloaded.</summary>
    public OutboundAllowlist Allowlist
    {
        get => _allowlist;
        set => _allowlist = value;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    /// <summary>
    /// Opens a WebSocket (a realtime session's upstream) over the same handler chain, so its handshake passes the
    /// allowlist and the connect timeout as every other call does.
    /// </summary>
    public Task ConnectWebSocketAsync(System.Net.WebSockets.ClientWebSocket socket, Uri uri, CancellationToken cancellationToken) =>
        socket.ConnectAsync(uri, _invoker, cancellationToken);

    /// <summary>An <see cref="HttpClient"/> over the same handler chain, for SDKs that bring their own pipeline (Key Vault).</summary>
    public HttpClient CreateHttpClient() => new(_handler, disposeHandler: false);

    /// <summary>Logs the refusal (host only: URLs may carry secrets in queries) and returns the exception to throw.</summary>
    public OutboundHostNotAllowedException Refuse(string host)
    {
        LogRefused(_logger, host);
        return new OutboundHostNotAllowedException(host);
    }

    public void Dispose() => _invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        if (!_allowlist.Allows(host)) throw Refuse(host);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Outbound call to {Host} refused: the host is not in Tokengate:Outbound:AllowedHosts")]
    private static partial void LogRefused(ILogger logger, string host);
}
