using System.Collections.Concurrent;

namespace Tokengate.Limits;

/// <summary>
/// The counters of a single gateway instance, without a lock: every request of one consumer charges the same
/// counters, so one lock (there was one for the whole store) made every core queue for it. A reservation charges
/// each scope and then checks it (<see cref="SlidingWindowCounter"/>); when a scope does not fit, the charges made
/// so far are taken back and the request is refused, so the limits still hold exactly under parallel requests.
/// </summary>
internal sealed class InMemoryLimitStore(TimeProvider time) : ILimitStore
{
    private readonly ConcurrentDictionary<string, SlidingWindowCounter> _counters = new(StringComparer.OrdinalIgnoreCase);

    public ValueTask<LimitDecision> TryReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        // Indexed loops: a foreach over the interface would box an enumerator on every request.
        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            var c = Counter(scope.Key);
            if (!c.TryEnter(scope.ConcurrentRequests))
            {
                Undo(scopes, i, nowSecond, tokens);
                return Refuse(scope, LimitKind.ConcurrentRequests, TimeSpan.FromSeconds(1));
            }
            c.Add(nowSecond, tokens, 1);
            if (scope.RequestsPerMinute is { } rpm && c.Requests(nowSecond) > rpm)
            {
                Undo(scopes, i + 1, nowSecond, tokens);
                return Refuse(scope, LimitKind.RequestsPerMinute, Until(c.SecondsUntilFits(nowSecond, 1, rpm, tokens: false)));
            }
            if (scope.TokensPerMinute is { } tpm && c.Tokens(nowSecond) > tpm)
            {
                Undo(scopes, i + 1, nowSecond, tokens);
                return Refuse(scope, LimitKind.TokensPerMinute, Until(c.SecondsUntilFits(nowSecond, tokens, tpm, tokens: true)));
            }
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

    /// <summary>Takes back the charges of the first <paramref name="count"/> scopes of a reservation that was refused.</summary>
    private void Undo(IReadOnlyList<LimitScope> scopes, int count, long nowSecond, long tokens)
    {
        for (var i = 0; i < count; i++)
        {
            var c = Counter(scopes[i].Key);
            c.Add(nowSecond, -tokens, -1);
            c.Exit();
        }
        // The scope whose concurrency refused was entered and left by TryEnter itself; its window was not charged.
    }

    private void Return(LimitReservation reservation, long tokens, long requests)
    {
        var nowSecond = time.GetUtcNow().ToUnixTimeSeconds();
        var scopes = reservation.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            var c = Counter(scopes[i].Key);
            c.Correct(reservation.Second, tokens, requests, nowSecond);
            c.Exit();
        }
    }

    private SlidingWindowCounter Counter(string key) =>
        _counters.TryGetValue(key, out var counter) ? counter : _counters.GetOrAdd(key, static _ => new SlidingWindowCounter());

    private static ValueTask<LimitDecision> Refuse(LimitScope scope, LimitKind kind, TimeSpan? retryAfter) =>
        ValueTask.FromResult(new LimitDecision(null, scope, kind, retryAfter));
}
