namespace Tokengate.Proxy;

/// <summary>Puts the gateway's own credential for a backend on an outgoing request.</summary>
internal abstract class BackendCredential
{
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>Never the secret: credentials end up in exception messages and debugger views.</summary>
    public abstract override string ToString();
}
