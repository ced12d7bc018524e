namespace Tokengate.Micro.Baseline;

using Tokengate.Limits;

/// <summary>
/// The counters of a single gateway instance. One lock makes a reservation atomic across all its scopes; it is
/// held only for a few array sums, never across an await.
/// </summary>
internal sealed class BaselineInMemoryLimitStore(TimeProvider time) : ILimitStore
{
    private readonly Dictionary<string, BaselineSlidingWindowCounter> _counters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public ValueTask<LimitDecision> TryReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        lock (_lock)
        {
            // Indexed loops: a foreach over the interface would box an enumerator on every request.
            for (var i = 0; i < scopes.Count; i++)
            {
                var scope = scopes[i];
                var c = Counter(scope.Key);
                if (scope.ConcurrentRequests is { } concurrent && c.InFlight + 1 > concurrent)
                    return Refuse(scope, LimitKind.ConcurrentRequests, TimeSpan.FromSeconds(1));
                if (scope.RequestsPerMinute is { } rpm && c.Requests(nowSecond) + 1 > rpm)
                    return Refuse(scope, LimitKind.RequestsPerMinute, Until(c.SecondsUntilFits(nowSecond, 1, rpm, tokens: false)));
                if (scope.TokensPerMinute is { } tpm && c.Tokens(nowSecond) + tokens > tpm)
                    return Refuse(scope, LimitKind.TokensPerMinute, Until(c.SecondsUntilFits(nowSecond, tokens, tpm, tokens: true)));
            }

            for (var i = 0; i < scopes.Count; i++)
            {
                var c = Counter(scopes[i].Key);
                c.Add(nowSecond, tokens, 1);
                c.InFlight++;
            }

            long? remainingTokens = null, remainingRequests = null;
            if (scopes.Count > 0)
            {
                var first = scopes[0];
                var c = Counter(first.Key);
                if (first.TokensPerMinute is { } tpm) remainingTokens = Math.Max(0, tpm - c.Tokens(nowSecond));
                if (first.RequestsPerMinute is { } rpm) remainingRequests = Math.Max(0, rpm - c.Requests(nowSecond));
            }
            return ValueTask.FromResult(new LimitDecision(new LimitReservation(scopes, tokens, nowSecond),
                RemainingTokens: remainingTokens, RemainingRequests: remainingRequests));
        }

        TimeSpan? Until(long? seconds) => seconds is { } s
            ? DateTimeOffset.FromUnixTimeSeconds(nowSecond + s) - now
            : null;
    }

    public ValueTask SettleAsync(LimitReservation reservation, long actualTokens, CancellationToken cancellationToken)
    {
        Return(reservation, actualTokens - reservation.Tokens, 0);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(LimitReservation reservation, CancellationToken cancellationToken)
    {
        Return(reservation, -reservation.Tokens, -1);
        return ValueTask.CompletedTask;
    }

    private void Return(LimitReservation reservation, long tokens, long requests)
    {
        var nowSecond = time.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            var scopes = reservation.Scopes;
            for (var i = 0; i < scopes.Count; i++)
            {
                var c = Counter(scopes[i].Key);
                c.Correct(reservation.Second, tokens, requests, nowSecond);
                c.InFlight = Math.Max(0, c.InFlight - 1);
            }
        }
    }

    private BaselineSlidingWindowCounter Counter(string key)
    {
        if (!_counters.TryGetValue(key, out var counter)) _counters[key] = counter = new BaselineSlidingWindowCounter();
        return counter;
    }

    private static ValueTask<LimitDecision> Refuse(LimitScope scope, LimitKind kind, TimeSpan? retryAfter) =>
        ValueTask.FromResult(new LimitDecision(null, scope, kind, retryAfter));
}
