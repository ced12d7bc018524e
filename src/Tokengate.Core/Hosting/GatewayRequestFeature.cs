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
/// One request as the steps see it, in three parts: what is known about the request (route, consumer, pool, parsed
/// fields, body, pin), what admission reserved (<see cref="Admission"/>), and what forwarding came to
/// (<see cref="Outcome"/>). The HTTP edge carries it on <c>HttpContext.Features</c>; nothing in it needs the connection.
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

    /// <summary>The request's priority class (set by admission); null for requests refused before it.</summary>
    public Priority.PriorityClass? Priority { get; set; }

    /// <summary>The line of a gateway-run batch this request is; null for live calls.</summary>
    public Batches.BatchLineRun? BatchLine { get; set; }

    /// <summary>
    /// Until when the request may wait in the queue (its class's <c>MaxWait</c>, shortened by the client's header,
    /// from admission); null when it may not wait. One budget for the whole request: admission and forwarding share it.
    /// </summary>
    public DateTimeOffset? WaitUntil { get; set; }

    /// <summary>The <c>api-version</c> the consumer sent, on classic routes.</summary>
    public string? ApiVersion { get; set; }

    public ParsedRequest Parsed;

    /// <summary>The request body as received, in pooled memory owned by this feature.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>The consumer's method, headers, route values and query, for the backend request.</summary>
    public RequestEnvelope Request { get; set; }

    /// <summary>What step 5 (screening) came to; null when the request was not screened (its policy is off).</summary>
    public Screening.ScreeningResult? Screening { get; set; }

    /// <summary>Screening refused the request (step 5 answered it); the ledger keeps the fact, whatever the logging policy.</summary>
    public bool ScreenedOut { get; set; }

    /// <summary>
    /// The request's id: its ledger record id and the <c>requestId</c> of its request log entry, so the admin API can
    /// join the two (a batch line's record keeps the line's own id).
    /// </summary>
    public Guid RequestId { get; } = RecordIds.NewVersion7();

    /// <summary>Step 6's estimate, reservation and budget holds, for step 8 to settle.</summary>
    public AdmissionState? Admission { get; set; }

    /// <summary>What step 7 came to: attempts, the backend that answered, the usage it reported.</summary>
    public RequestOutcome Outcome;

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
