using System.Net.WebSockets;

namespace Tokengate.Proxy;

/// <summary>Puts the gateway's own credential for a backend on an outgoing request.</summary>
internal abstract class BackendCredential
{
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// Puts the same credential on a WebSocket handshake (a realtime session), whose request message the socket builds
    /// itself: the same header, from the same key or token.
    /// </summary>
    public abstract ValueTask ApplyAsync(ClientWebSocketOptions options, CancellationToken cancellationToken);

    /// <summary>Never the secret: credentials end up in exception messages and debugger views.</summary>
    public abstract override string ToString();
}
