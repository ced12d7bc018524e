using System.Buffers;
using System.Net;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Limits;
using Tokengate.OpenAI;
using Tokengate.Proxy;
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

    /// <summary>The stored object's id from the route (<c>{id}</c>) of an operation that acts on one.</summary>
    public string? StoredId { get; set; }

    /// <summary>
    /// The one backend this request may go to: the backend that holds the stored object it acts on or continues.
    /// Null when any backend of the pool will do.
    /// </summary>
    public Backend? PinnedBackend { get; set; }

    /// <summary>
    /// Tokens of the stored chain a request continues (<c>previous_response_id</c>): billed as input by the service,
    /// never seen by the gateway, so added to the admission estimate.
    /// </summary>
    public long ContinuedChainTokens { get; set; }

    /// <summary>The recorded chain size of the stored response a lifecycle call names (0: its usage not yet seen).</summary>
    public long StoredChainTokens { get; set; }

    /// <summary>The id of the stored object this request created (a response), once the backend's answer named it.</summary>
    public string? CreatedId { get; set; }

    /// <summary>The <c>api-version</c> the consumer sent, on classic routes.</summary>
    public string? ApiVersion { get; set; }

    public ParsedRequest Parsed;

    /// <summary>The request body as received, in pooled memory owned by this feature.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Backend attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>The backend whose response is being relayed.</summary>
    public Backend? Backend { get; set; }

    /// <summary>Step 6's estimate, reservation and budget holds, for step 8 to settle.</summary>
    public AdmissionState? Admission { get; set; }

    /// <summary>The gateway asked upstream for stream usage the consumer did not ask for: the usage chunk is held back.</summary>
    public bool StripUsageChunk { get; set; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the relayed response's headers arrived (0: none relayed).</summary>
    public long ResponseStartTimestamp { get; set; }

    /// <summary>The usage the backend reported in a non-streaming body.</summary>
    public UsageCounts? ReportedUsage { get; set; }

    /// <summary>The relayed stream's usage and delivered text.</summary>
    public StreamTap? StreamTap { get; set; }

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
