namespace Tokengate.Configuration;

/// <summary>Limits and timings of the forwarding loop.</summary>
public sealed class ForwardingOptions
{
    /// <summary>Backend attempts per request, 1 to 16. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Longest time from receiving a request to the backend's response headers, over all attempts. Default 300 s.
    /// Past it the consumer gets 504.
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Longest wait for one backend's response headers before trying the next. Default 120 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Connection timeout to a backend. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a backend rests after a 429, a timeout, a connection failure or a 401/403/404 whose response named
    /// no Retry-After. Default 5 s. A 5xx rests the backend only when it names a Retry-After; otherwise it counts
    /// toward the breaker.
    /// </summary>
    public TimeSpan DefaultCooldown { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest cooldown taken from a backend's headers. Default 60 s.</summary>
    public TimeSpan MaxCooldown { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Share of a backend's attempts in the sampling window that failed (5xx blamed on the backend, timeouts,
    /// connection errors) at or above which its circuit opens, 0.01 to 1. Default 0.5.
    /// </summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>
    /// Attempts a backend must have had in the sampling window before the failure ratio can open its circuit, so a
    /// few unlucky requests cannot. Default 10.
    /// </summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>How far back the breaker looks at a backend's attempts. Default 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one probe request is let through. Default 30 s.</summary>
    public TimeSpan BreakerOpenDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a provisioned backend's utilization reading is trusted for spillover; after it one request goes
    /// through to take a fresh reading. Default 2 s.
    /// </summary>
    public TimeSpan UtilizationReadingLifetime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Largest request body accepted, in bytes. Default 16 MiB. Larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest multipart upload accepted (audio to transcribe, images to edit), in bytes. Default 25 MiB, the
    /// service's own limit for audio files. Larger uploads get 413, refused from their <c>Content-Length</c> before any
    /// byte is read, or as soon as a chunked upload passes the limit; the connection is then closed rather than drained.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 25 * 1024 * 1024;
}
