namespace Tokengate.Bench.Load;

/// <summary>
/// Retry delays shaped like the OpenAI SDKs' (protocol reference §5.4): the server's delay when it gives one up to
/// <see cref="MaxHonoured"/>, otherwise 0.5 s doubling to 8 s with ±25% jitter; at most <see cref="MaxRetries"/>
/// retries per request.
/// </summary>
internal sealed class ExponentialBackoff(Random random)
{
    public const int MaxRetries = 5;

    public static readonly TimeSpan MaxHonoured = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(8);

    /// <summary>Whether a response with this status is worth retrying: throttling, timeouts and server errors.</summary>
    public static bool IsRetryable(int status) => status is 408 or 429 or >= 500;

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first), or null when retries are spent.</summary>
    public TimeSpan? Delay(int retry, TimeSpan? serverDelay)
    {
        if (retry > MaxRetries)
        {
            return null;
        }

        if (serverDelay is { } server && server > TimeSpan.Zero && server <= MaxHonoured)
        {
            return server;
        }

        var backoff = Initial * Math.Pow(2, retry - 1);
        if (backoff > Ceiling)
        {
            backoff = Ceiling;
        }

        return backoff * (0.75 + (0.5 * random.NextDouble()));
    }
}
