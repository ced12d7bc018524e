namespace Tokengate.Simulator;

/// <summary>
/// Fault injection of a simulated deployment. Faults apply after authentication and request validation and before
/// rate limiting, so an injected failure never consumes quota. A realtime session meets them when it opens: the
/// connect is one request, answered over HTTP before the WebSocket upgrade; only the mid-stream cut applies later, to
/// each response of the session.
/// </summary>
/// <remarks>
/// The properties ending in <c>Count</c>, <see cref="ForceUtilizationPercent"/> and <see cref="ThrottleForMs"/> are
/// commands: applying options (at start, through <c>SimulatorControl.Update</c> or the control endpoint's PATCH)
/// arms them once and stores them back as zero / null, so that a later unrelated update does not re-arm them. What is
/// still armed shows in the deployment's statistics.
/// </remarks>
public sealed class SimulatedFaultOptions
{
    /// <summary>
    /// Probability per request of answering with a given status, by status code (e.g. <c>{ 500: 0.1, 503: 0.05 }</c>).
    /// Realtime: drawn once per connect, which gets the status instead of the upgrade. Default none.
    /// </summary>
    public Dictionary<int, double> ErrorRates { get; set; } = [];

    /// <summary>
    /// Statuses answered to every request whose JSON body contains the text, by text (e.g. <c>{ "poison": 500 }</c>):
    /// a request the service cannot process, which fails the same way on every deployment that has the rule.
    /// Checked once the body is parsed; realtime events are not checked. Default none.
    /// </summary>
    public Dictionary<string, int> ErrorsOnContent { get; set; } = [];

    /// <summary>
    /// Command: the next N requests answer <see cref="FailNextStatusCode"/>. A realtime connect is one request and gets
    /// the status (a 429 with <c>retry-after</c>) instead of the upgrade. Default 0.
    /// </summary>
    public int FailNextCount { get; set; }

    /// <summary>Status of the failures armed by <see cref="FailNextCount"/>. Default 500.</summary>
    public int FailNextStatusCode { get; set; } = 500;

    /// <summary>
    /// Retry delay in milliseconds sent as <c>retry-after-ms</c>/<c>retry-after</c> with injected 429 and 503
    /// answers (from <see cref="FailNextCount"/> or <see cref="ErrorRates"/>). Default null: 1,000 ms for 429, none
    /// for other statuses.
    /// </summary>
    public int? FailNextRetryAfterMs { get; set; }

    /// <summary>Probability per request of aborting the connection before any response (realtime: before the 101). Default 0.</summary>
    public double ConnectionResetRate { get; set; }

    /// <summary>
    /// Command: abort the connection of the next N requests before any response. A realtime connect is reset at the
    /// upgrade request: the client's WebSocket connect fails with no HTTP status. Default 0.
    /// </summary>
    public int ResetNextCount { get; set; }

    /// <summary>
    /// Content chunks a cut stream delivers before the connection is aborted: chat content chunks, Responses delta
    /// events, realtime deltas (an audio delta and its transcript delta count as one). Default 1.
    /// </summary>
    public int MidStreamCutAfterChunks { get; set; } = 1;

    /// <summary>Probability per streaming request (realtime: per response) of a mid-stream cut. Default 0.</summary>
    public double MidStreamCutRate { get; set; }

    /// <summary>
    /// Command: cut the next N streaming responses mid-stream. A realtime response cut this way drops the session's
    /// socket after <see cref="MidStreamCutAfterChunks"/> deltas, without a close frame and without
    /// <c>response.done</c>; it counts as failed and is not billed. Default 0.
    /// </summary>
    public int MidStreamCutNextCount { get; set; }

    /// <summary>Extra delay in milliseconds before the response headers of every request (realtime: before the 101). Default 0.</summary>
    public int SlowHeadersMs { get; set; }

    /// <summary>
    /// Command, Provisioned only: set the utilization bucket to this percentage now (e.g. 150), after which it drains
    /// at the deployment's rate and requests get 429 until it is back at 100% or below (a realtime connect gets the 429
    /// before the upgrade; a realtime response in an open session ends <c>failed</c>). Default null.
    /// </summary>
    public double? ForceUtilizationPercent { get; set; }

    /// <summary>
    /// Command, Standard only: answer 429 to every request for this many milliseconds from now (a realtime connect gets
    /// the 429 before the upgrade; a realtime response in an open session ends <c>failed</c>). Default 0.
    /// </summary>
    public int ThrottleForMs { get; set; }

    /// <summary>
    /// Retry delay in milliseconds announced by the 429s of <see cref="ThrottleForMs"/>. Default null: the time left
    /// until the forced throttling ends.
    /// </summary>
    public int? ThrottleRetryAfterMs { get; set; }
}
