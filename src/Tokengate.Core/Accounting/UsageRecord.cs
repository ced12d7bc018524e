using System.Text.Json.Serialization;
using Tokengate.Operations;

namespace Tokengate.Accounting;

/// <summary>
/// One request's entry in the usage ledger. <see cref="Id"/> makes writing it again (a spool replay) a no-op.
/// <c>Operation</c> (what was called) and <c>Rejected</c> (refused by the consumer's rate limits or budgets before any
/// backend) are for metrics only, not ledger columns (and the operation is not spooled).
/// </summary>
/// <remarks>
/// <see cref="TimeToFirstTokenMs"/> (column <c>ttfb_ms</c>) runs to the first SSE event relayed for streams and to the
/// response headers otherwise. <see cref="Priority"/> is the request's priority class (null for requests refused before admission).
/// <see cref="Deployment"/> is the logical deployment the consumer called, by its pool's name (aliases resolved; for a
/// group's dedicated pool, the shared pool's name), so usage by deployment sums every group's use of one name;
/// <see cref="Pool"/> is the pool that served it.
/// </remarks>
internal sealed record UsageRecord(
    DateTimeOffset At,
    string Consumer,
    string? Group,
    string Deployment,
    string? Backend,
    string? Model,
    long PromptTokens,
    long CachedTokens,
    long CompletionTokens,
    decimal CostUsd,
    int Status,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    bool Stream,
    UsageSource Source,
    string? Priority = null,
    [property: JsonIgnore] OperationDescriptor? Operation = null,
    bool Rejected = false)
{
    /// <summary>Audio and image tokens within the totals, and the images, seconds and characters billed.</summary>
    public MediaUsage Media { get; init; }

    /// <summary>
    /// The pool whose backend served the request (or was tried last): the deployment's own pool, a group's dedicated
    /// pool, or the shared pool a dedicated pool overflowed to. Null on records that predate the column (read: the deployment).
    /// </summary>
    public string? Pool { get; init; }

    /// <summary>The operation's name (<c>chat.completions</c>, <c>audio.speech</c>, ...); kept in the ledger and the spool.</summary>
    public string? OperationName { get; init; }

    /// <summary>The batch whose line this request was (column <c>batch_id</c>); null for requests of live calls.</summary>
    public string? BatchId { get; init; }

    /// <summary>The <c>service_tier</c> that served the request, as the backend's answer said (null: none named); column <c>service_tier</c>.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>The <c>service_tier</c> the request carried to that backend (null: none named); for metrics only.</summary>
    [JsonIgnore]
    public string? SentServiceTier { get; init; }

    /// <summary>
    /// The output bound the request was admitted with, every choice's together (the bound × <c>n</c>; column
    /// <c>max_output_tokens</c>): null when the operation generates no text, the request was not admitted, or no bound
    /// held upstream (the request named none and the gateway inserted none). Completion tokens at or above it: most
    /// likely cut off.
    /// </summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>
    /// What screening said (column <c>screening</c>): <c>none</c>, <c>jailbreak</c>, <c>indirect_attack</c> or
    /// <c>unavailable</c>; null when the request was not screened.
    /// </summary>
    public string? Screening { get; init; }

    /// <summary>Screening refused the request (column <c>screened_out</c>).</summary>
    public bool ScreenedOut { get; init; }

    /// <summary>
    /// The gateway's own time for the request in milliseconds: its whole time less the time spent waiting on backends
    /// until their response headers (for a stream, until its first byte). Null when no backend's answer was relayed.
    /// Only for the <c>tokengate.gateway.overhead</c> histogram: neither stored in the ledger nor spooled.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? OverheadMs { get; init; }

    /// <summary>Unique per request, time-ordered; the ledger keeps one row per id.</summary>
    public Guid Id { get; init; } = Hosting.RecordIds.NewVersion7();
}
