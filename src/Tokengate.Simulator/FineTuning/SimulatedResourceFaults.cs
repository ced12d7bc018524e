namespace Tokengate.Simulator;

/// <summary>
/// Commands for the resource-level calls (files, uploads, fine-tuning jobs), the body of
/// <c>PATCH /_simulator/resource</c>. Each arms its fault once; absent fields change nothing.
/// </summary>
public sealed class SimulatedResourceFaults
{
    /// <summary>The next N calls answer <see cref="FailNextStatusCode"/>.</summary>
    public int? FailNextCount { get; set; }

    /// <summary>Status of those failures. Default 500.</summary>
    public int FailNextStatusCode { get; set; } = 500;

    /// <summary>Retry delay announced with an injected 429 (default 1,000 ms) or 503 (default none).</summary>
    public int? FailNextRetryAfterMs { get; set; }

    /// <summary>The next N calls have their connection aborted before any response.</summary>
    public int? ResetNextCount { get; set; }

    /// <summary>The next N fine-tuning jobs created end <c>failed</c> with a <c>server_error</c> when they leave the queue.</summary>
    public int? FailNextJobCount { get; set; }

    /// <summary>
    /// The next batch created has its first N lines answered 500 (written to its error file, counted as failed).
    /// </summary>
    public int? FailNextBatchLineCount { get; set; }
}
