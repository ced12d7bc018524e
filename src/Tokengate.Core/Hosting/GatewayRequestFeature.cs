using System.Buffers;
using System.Net;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// Everything the pipeline learns about one request, carried on <c>HttpContext.Features</c> from step to step.
/// </summary>
internal sealed class GatewayRequestFeature(GatewayRoute route, GatewaySnapshot snapshot, long startTimestamp) : IDisposable
{
    private byte[]? _rentedBody;

    public GatewayRoute Route { get; } = route;

    /// <summary>The configuration version this request runs under from start to end.</summary>
    public GatewaySnapshot Snapshot { get; } = snapshot;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the request entered the pipeline.</summary>
    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>
    /// The client's address: the direct peer, or from <c>X-Forwarded-For</c> when the peer is a trusted proxy. Null when
    /// the server has no socket address (in-memory test hosts).
    /// </summary>
    public IPAddress? ClientAddress { get; set; }

    public Consumer? Consumer { get; set; }

    public Pool? Pool { get; set; }

    /// <summary>The <c>api-version</c> the consumer sent, on classic routes.</summary>
    public string? ApiVersion { get; set; }

    public ParsedRequest Parsed;

    /// <summary>The request body as received, in pooled memory owned by this feature.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Backend attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>The backend whose response is being relayed.</summary>
    public Backend? Backend { get; set; }

    public void SetBody(byte[] rented, int length)
    {
        ReturnBody();
        _rentedBody = rented;
        Body = rented.AsMemory(0, length);
    }

    public void Dispose() => ReturnBody();

    private void ReturnBody()
    {
        if (_rentedBody is null) return;
        ArrayPool<byte>.Shared.Return(_rentedBody);
        _rentedBody = null;
        Body = default;
    }
}
