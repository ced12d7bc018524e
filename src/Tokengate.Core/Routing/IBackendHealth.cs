namespace Tokengate.Routing;

/// <summary>
/// Cooldowns, circuit breakers, utilization readings and quota (rate-limit headers and what the gateway sent) of every
/// backend. One instance in memory by default; shared between gateway instances when scaled out. Every report is
/// safe to call concurrently.
/// </summary>
internal interface IBackendHealth : IBackendAvailability
{
    /// <summary>The same view, but provisioned backends above their spillover threshold count as available.</summary>
    IBackendAvailability IgnoringSpillover { get; }

    /// <summary>
    /// The view for a request pinned to its backend by a stored id: spillover and drains ignored (the id lives only
    /// there, so a drained backend still serves its follow-ups), rests and open circuits still count.
    /// </summary>
    IBackendAvailability Pinned { get; }

    /// <summary>
    /// The same view, but a provisioned backend is skipped at or above <paramref name="basisPoints"/> (utilization
    /// percent × 100; 0: never) instead of its pool's spillover threshold: a priority class's headroom. With
    /// <paramref name="provisionedOnly"/>, only provisioned backends count as available (a class that waits for
    /// provisioned capacity rather than pay for pay-as-you-go). The views are kept, so asking again allocates nothing.
    /// </summary>
    IBackendAvailability WithUtilizationLimit(long basisPoints, bool provisionedOnly = false);

    /// <summary>
    /// Claims the backend for one attempt. False only when its circuit is half-open and another request already
    /// holds the single probe; the caller then picks another backend.
    /// </summary>
    bool TryBeginAttempt(Backend backend);

    /// <summary>The backend answered (any status that is not a backend fault): a good sample, and an open or half-open circuit closes.</summary>
    void ReportSuccess(Backend backend);

    /// <summary>
    /// The backend said 429: it rests until <paramref name="until"/>, as throttled. It is alive, so an open or half-open
    /// circuit closes; a 429 is no sample for the breaker's failure ratio.
    /// </summary>
    void ReportThrottled(Backend backend, DateTimeOffset until);

    /// <summary>
    /// A failure blamed on the backend (a 5xx that another backend did not repeat, a timeout, a connection failure, a
    /// 401/403/404): it rests until <paramref name="restUntil"/> when one is given, and counts toward the breaker's
    /// failure ratio; a failed half-open probe opens the circuit again.
    /// </summary>
    void ReportFailure(Backend backend, DateTimeOffset? restUntil);

    /// <summary>
    /// The backend answered a server error to a request that another backend failed too: blamed on the request. It
    /// cannot open the circuit on its own, but it is no sign of health either (see the breaker's rule); a half-open
    /// probe is released.
    /// </summary>
    void ReportDisputed(Backend backend);

    /// <summary>The attempt ended without a verdict (the consumer went away); releases a half-open probe.</summary>
    void ReportAbandoned(Backend backend);

    /// <summary>A provisioned backend reported its utilization (percent).</summary>
    void ReportUtilization(Backend backend, double percent);

    /// <summary>
    /// The gateway is sending the backend a request admitted with this estimate: it counts against the backend's
    /// last known quota until the backend's next rate-limit headers, and toward the gateway's own per-minute count.
    /// </summary>
    void ReportSent(Backend backend, long estimatedTokens);

    /// <summary>The backend's own rate-limit headers from a response: they replace the last reading.</summary>
    void ReportQuota(Backend backend, BackendQuotaReading reading);

    /// <summary>A request the backend served was settled: the gateway's per-minute count moves from its estimate to the actual tokens.</summary>
    void ReportSettled(Backend backend, long estimatedTokens, long actualTokens);

    /// <summary>When the first backend of the pool will take requests again (now, if one can), and why it rests.</summary>
    PoolRecovery EarliestRecovery(Pool pool);

    /// <summary>A point-in-time description of one backend, for status pages and metrics.</summary>
    BackendHealthRecord Describe(Backend backend);
}
