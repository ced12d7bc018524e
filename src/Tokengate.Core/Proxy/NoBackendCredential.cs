namespace Tokengate.Proxy;

/// <summary>For open endpoints such as a local simulator.</summary>
internal sealed class NoBackendCredential : BackendCredential
{
    public static NoBackendCredential Instance { get; } = new();

    public override ValueTask ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override ValueTask ApplyAsync(System.Net.WebSockets.ClientWebSocketOptions options, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override string ToString() => "no credential";
}
