namespace Tokengate.Simulator;

/// <summary>
/// Latency of a simulated deployment. Non-streaming responses wait time-to-first-token plus one per-token delay per
/// generated token before the headers; streaming responses wait time-to-first-token before the headers and one
/// per-token delay before each content chunk. A realtime response sends its opening events at once, then waits
/// time-to-first-token and one per-token delay before each delta (audio and its transcript together), on the
/// simulator's clock.
/// </summary>
public sealed class SimulatedLatencyOptions
{
    /// <summary>Time to first token in milliseconds. Default 0.</summary>
    public double TimeToFirstTokenMs { get; set; }

    /// <summary>Delay per generated token in milliseconds. Default 0.</summary>
    public double PerTokenMs { get; set; }

    /// <summary>
    /// Responses API, <c>background: true</c> only: how long a response stays <c>queued</c> before it moves to
    /// <c>in_progress</c> (then time to first token and per-token delays follow). Default 0.
    /// </summary>
    public double BackgroundQueueMs { get; set; }

    /// <summary>
    /// Relative jitter applied to each delay: 0.2 draws every delay uniformly within ±20%. Default 0 (none).
    /// </summary>
    public double JitterRatio { get; set; }
}
