namespace Tokengate.Simulator.Limits;

/// <summary>
/// Standard deployment limits as the live service behaves (protocol reference §6.1): a 60 s sliding window of
/// estimated tokens against TPM and a 10 s sliding window of requests against RPM / 6.
/// </summary>
internal sealed class StandardRateLimiter
{
    private static readonly TimeSpan TokenWindow = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestWindow = TimeSpan.FromSeconds(10);

    private readonly SlidingWindow _tokens = new(TokenWindow);
    private readonly SlidingWindow _requests = new(RequestWindow);
    private readonly Lock _lock = new();
    private long _forcedUntilTicks;
    private TimeSpan? _forcedRetryAfter;

    public static int RequestLimit(SimulatedDeploymentOptions options) =>
        Math.Max(1, (int)Math.Ceiling(options.RequestsPerMinutePer1000Tpm * (options.TokensPerMinute / 1000.0) / 6.0));

    public AdmissionResult TryAdmit(long nowTicks, long tokenCost, SimulatedDeploymentOptions options)
    {
        var tokenLimit = options.TokensPerMinute;
        var requestLimit = RequestLimit(options);
        lock (_lock)
        {
            var usedRequests = (int)_requests.Used(nowTicks);
            var usedTokens = (int)_tokens.Used(nowTicks);
            if (nowTicks < _forcedUntilTicks)
            {
                var retry = _forcedRetryAfter ?? TimeSpan.FromTicks(_forcedUntilTicks - nowTicks);
                return Result(ThrottleReason.Tokens, retry, usedRequests, usedTokens);
            }

            var requestWait = _requests.TimeUntilFits(nowTicks, 1, requestLimit);
            if (requestWait > TimeSpan.Zero)
            {
                return Result(ThrottleReason.Requests, requestWait, usedRequests, usedTokens);
            }

            var tokenWait = _tokens.TimeUntilFits(nowTicks, tokenCost, tokenLimit);
            if (tokenWait > TimeSpan.Zero)
            {
                return Result(ThrottleReason.Tokens, tokenWait, usedRequests, usedTokens);
            }

            _requests.Add(nowTicks, 1);
            _tokens.Add(nowTicks, tokenCost);
            // Admitted means it fit under the int limit, so the sum is an int too.
            return Result(ThrottleReason.None, TimeSpan.Zero, usedRequests + 1, (int)(usedTokens + tokenCost));
        }

        AdmissionResult Result(ThrottleReason reason, TimeSpan retry, int usedRequests, int usedTokens) =>
            new(reason, retry, requestLimit, Math.Max(0, requestLimit - usedRequests), tokenLimit,
                Math.Max(0, tokenLimit - usedTokens), tokenLimit == 0 ? 0 : 100.0 * usedTokens / tokenLimit);
    }

    public (int RemainingRequests, int RemainingTokens, double UtilizationPercent) Peek(long nowTicks, SimulatedDeploymentOptions options)
    {
        lock (_lock)
        {
            var usedTokens = (int)_tokens.Used(nowTicks);
            return (Math.Max(0, RequestLimit(options) - (int)_requests.Used(nowTicks)),
                Math.Max(0, options.TokensPerMinute - usedTokens),
                options.TokensPerMinute == 0 ? 0 : 100.0 * usedTokens / options.TokensPerMinute);
        }
    }

    public void ForceThrottle(long untilTicks, TimeSpan? retryAfter)
    {
        lock (_lock)
        {
            _forcedUntilTicks = untilTicks;
            _forcedRetryAfter = retryAfter;
        }
    }

    public long ForcedUntilTicks
    {
        get
        {
            lock (_lock)
            {
                return _forcedUntilTicks;
            }
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _tokens.Clear();
            _requests.Clear();
            _forcedUntilTicks = 0;
            _forcedRetryAfter = null;
        }
    }
}
