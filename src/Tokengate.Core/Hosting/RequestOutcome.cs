using Tokengate.Accounting;
using Tokengate.Proxy;
using Tokengate.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// What forwarding a request came to: the attempts, the backend whose answer was relayed, and what that answer said
/// about usage (and any stored object it created). Written by the forwarding loop, read by settle, telemetry and
/// the request log.
/// </summary>
internal struct RequestOutcome
{
    /// <summary>Backend attempts made so far.</summary>
    public int Attempts;

    /// <summary>The backend whose response is being relayed (the last tried, until one answers).</summary>
    public Backend? Backend;

    /// <summary>
    /// The pool of <see cref="Backend"/>: the request's pool, or the shared pool a dedicated pool's request overflowed
    /// to. Null until an attempt is made.
    /// </summary>
    public Pool? Pool;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the relayed response's headers arrived (0: none relayed).</summary>
    public long ResponseStartTimestamp;

    /// <summary>
    /// <see cref="TimeProvider.GetTimestamp"/> ticks spent waiting on backends, summed over the attempts: from sending
    /// each request until its response headers arrived (or the attempt failed). A stream's wait for its first byte is
    /// on its <see cref="StreamTap"/>.
    /// </summary>
    public long BackendWaitTicks;

    /// <summary>The usage the backend reported in a non-streaming body.</summary>
    public UsageCounts? ReportedUsage;

    /// <summary>The relayed stream's usage and delivered text.</summary>
    public StreamTap? StreamTap;

    /// <summary>The id of the stored object this request created (a response), once the backend's answer named it.</summary>
    public string? CreatedId;

    /// <summary>Azure's own jailbreak / indirect-attack detections in the relayed answer (body, stream or content_filter 400).</summary>
    public Screening.AzurePromptAnnotations AzureAnnotations;

    /// <summary>The <c>service_tier</c> the request carried to the backend that answered (null: none named).</summary>
    public string? SentServiceTier;

    /// <summary>The <c>service_tier</c> that served the request, as the answer said (null: it said none).</summary>
    public readonly string? ServedServiceTier => ReportedUsage?.ServiceTier ?? StreamTap?.ServiceTier;

    /// <summary>The usage the backend reported, in the body or the stream.</summary>
    public readonly UsageCounts? Usage => ReportedUsage ?? StreamTap?.Usage;
}
