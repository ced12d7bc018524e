namespace Tokengate.Simulator.Limits;

/// <summary>
/// Standard deployment limits as the live service behaves (protocol reference §6.1): a 60 s sliding window of
/// estimated tokens against TPM and a 10 s sliding window of requests against RPM / 6. Deployments whose quota is in
/// requests per minute (images) count requests over a 60 s window against the whole RPM instead.
/// </summary>
internal sealed class StandardRateLimiter
{
    private static readonly TimeSpan TokenWindow = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinuteWindow = TimeSpan.FromSeconds(60);

    private readonly SlidingWindow _tokens = new(TokenWindow);
    private readonly SlidingWindow _requests = new(RequestWindow);
    private readonly SlidingWindow _minuteRequests = new(MinuteWindow);
    private readonly Lock _lock = new();
    private long _forcedUntilTicks;
    private TimeSpan? _forcedRetryAfter;

    /// <summary>Requests allowed per window: RPM / 6 per 10 s, or the whole RPM per minute.</summary>
    public static int RequestLimit(SimulatedDeploymentOptions options, bool perMinute = false)
    {
        var rpm = options.RequestsPerMinute ?? options.RequestsPerMinutePer1000Tpm * (options.TokensPerMinute / 1000.0);
        return Math.Max(1, (int)Math.Ceiling(perMinute ? rpm : rpm / 6.0));
    }

    public AdmissionResult TryAdmit(long nowTicks, long tokenCost, SimulatedDeploymentOptions options, bool perMinute = false)
    {
        var tokenLimit = options.TokensPerMinute;
        var requestLimit = RequestLimit(options, perMinute);
        var requests = perMinute ? _minuteRequests : _requests;
        lock (_lock)
        {
            var usedRequests = (int)requests.Used(nowTicks);
            var usedTokens = (int)_tokens.Used(nowTicks);
            if (nowTicks < _forcedUntilTicks)
            {
                var retry = _forcedRetryAfter ?? TimeSpan.FromTicks(_forcedUntilTicks - nowTicks);
                return Result(ThrottleReason.Tokens, retry, usedRequests, usedTokens);
            }

            var requestWait = requests.TimeUntilFits(nowTicks, 1, requestLimit);
            if (requestWait > TimeSpan.Zero)
            {
                return Result(ThrottleReason.Requests, requestWait, usedRequests, usedTokens);
            }

            var tokenWait = _tokens.TimeUntilFits(nowTicks, tokenCost, tokenLimit);
            if (tokenWait > TimeSpan.Zero)
            {
                return Result(ThrottleReason.Tokens, tokenWait, usedRequests, usedTokens);
            }

            requests.Add(nowTicks, 1);
            _tokens.Add(nowTicks, tokenCost);
            // Admitted means it fit under the int limit, so the sum is an int too.
            return Result(ThrottleReason.None, TimeSpan.Zero, usedRequests + 1, (int)(usedTokens + tokenCost));
        }

        AdmissionResult Result(ThrottleReason reason, TimeSpan retry, int usedRequests, int usedTokens) =>
            new(reason, retry, requestLimit, Math.Max(0, requestLimit - usedRequests), tokenLimit,
                Math.Max(0, tokenLimit - usedTokens), tokenLimit == 0 ? 0 : 100.0 * usedTokens / tokenLimit);
    }

    public (int RemainingRequests, int RemainingTokens, double UtilizationPercent) Peek(long nowTicks, SimulatedDeploymentOptions options, bool perMinute = false)
    {
        lock (_lock)
        {
            var usedTokens = (int)_tokens.Used(nowTicks);
            var requests = perMinute ? _minuteRequests : _requests;
            return (Math.Max(0, RequestLimit(options, perMinute) - (int)requests.Used(nowTicks)),
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
            _minuteRequests.Clear();
            _forcedUntilTicks = 0;
            _forcedRetryAfter = null;
        }
    }
}
