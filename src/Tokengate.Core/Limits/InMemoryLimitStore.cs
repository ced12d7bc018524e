using System.Collections.Concurrent;
using System.Numerics;

namespace Tokengate.Limits;

/// <summary>
/// The counters of a single gateway instance, without a lock and striped per core: every request of one consumer
/// charges the same counters, so one lock (there was one for the whole store) made every core queue for it, and one
/// set of shared counts made every core write the same cache lines. A reservation picks a stripe by the processor it
/// runs on, charges each scope's stripe and then checks the scope's total over all stripes
/// (<see cref="SlidingWindowCounter"/>); when a scope does not fit, the charges made so far are taken back and the
/// request is refused, so the limits still hold exactly under parallel requests. The reservation keeps its stripe, so
/// a settle or release on any thread corrects the stripe it charged. A one-CPU gateway has one stripe.
/// </summary>
internal sealed class InMemoryLimitStore : ILimitStore
{
    /// <summary>At most this many stripes per count: each one more is read by every limit check.</summary>
    internal const int MaxStripes = 16;

    private readonly ConcurrentDictionary<string, SlidingWindowCounter> _counters = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly int _stripes;
    private readonly int _mask;
    private readonly Func<int>? _pickStripe;

    public InMemoryLimitStore(TimeProvider time)
        : this(time, DefaultStripes(Environment.ProcessorCount))
    {
    }

    /// <param name="time">The clock.</param>
    /// <param name="stripes">Stripes per count, a power of two.</param>
    /// <param name="pickStripe">Picks a request's stripe (masked to <paramref name="stripes"/>); null: the current processor.</param>
    internal InMemoryLimitStore(TimeProvider time, int stripes, Func<int>? pickStripe = null)
    {
        if (stripes < 1 || (stripes & (stripes - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(stripes), stripes, "A power of two.");
        _time = time;
        _stripes = stripes;
        _mask = stripes - 1;
        _pickStripe = pickStripe;
    }

    /// <summary>The power of two at or above <paramref name="processorCount"/>, at most <see cref="MaxStripes"/>: 1 for one CPU.</summary>
    internal static int DefaultStripes(int processorCount) =>
        Math.Min(MaxStripes, (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, processorCount)));

    public ValueTask<LimitDecision> TryReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        var stripe = PickStripe();
        long firstTokens = 0, firstRequests = 0;
        // Indexed loops: a foreach over the interface would box an enumerator on every request.
        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            var c = Counter(scope.Key);
            if (!c.TryEnter(stripe, scope.ConcurrentRequests))
            {
                Undo(scopes, i, stripe, nowSecond, tokens);
                return Refuse(scope, LimitKind.ConcurrentRequests, TimeSpan.FromSeconds(1));
            }
            c.Add(stripe, nowSecond, tokens, 1);
            if (scope.RequestsPerMinute is null && scope.TokensPerMinute is null) continue;
            // Both totals in one pass over the window, this request's charge included.
            var (usedTokens, usedRequests) = c.Totals(nowSecond);
            if (scope.RequestsPerMinute is { } rpm && usedRequests > rpm)
            {
                Undo(scopes, i + 1, stripe, nowSecond, tokens);
                return Refuse(scope, LimitKind.RequestsPerMinute, Until(c.SecondsUntilFits(nowSecond, 1, rpm, tokens: false)));
            }
            if (scope.TokensPerMinute is { } tpm && usedTokens > tpm)
            {
                Undo(scopes, i + 1, stripe, nowSecond, tokens);
                return Refuse(scope, LimitKind.TokensPerMinute, Until(c.SecondsUntilFits(nowSecond, tokens, tpm, tokens: true)));
            }
            if (i == 0) (firstTokens, firstRequests) = (usedTokens, usedRequests);
        }

        long? remainingTokens = null, remainingRequests = null;
        if (scopes.Count > 0)
        {
            // The first scope's totals as checked, after this request's charge.
            var first = scopes[0];
            if (first.TokensPerMinute is { } tpm) remainingTokens = Math.Max(0, tpm - firstTokens);
            if (first.RequestsPerMinute is { } rpm) remainingRequests = Math.Max(0, rpm - firstRequests);
        }
        return ValueTask.FromResult(new LimitDecision(new LimitReservation(scopes, tokens, nowSecond, Stripe: stripe),
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

    private int PickStripe() =>
        _mask == 0 ? 0 : (_pickStripe is null ? Thread.GetCurrentProcessorId() : _pickStripe()) & _mask;

    /// <summary>Takes back the charges of the first <paramref name="count"/> scopes of a reservation that was refused.</summary>
    private void Undo(IReadOnlyList<LimitScope> scopes, int count, int stripe, long nowSecond, long tokens)
    {
        for (var i = 0; i < count; i++)
        {
            var c = Counter(scopes[i].Key);
            c.Add(stripe, nowSecond, -tokens, -1);
            c.Exit(stripe);
        }
        // The scope whose concurrency refused was entered and left by TryEnter itself; its window was not charged.
    }

    private void Return(LimitReservation reservation, long tokens, long requests)
    {
        var nowSecond = _time.GetUtcNow().ToUnixTimeSeconds();
        var scopes = reservation.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            var c = Counter(scopes[i].Key);
            c.Correct(reservation.Stripe, reservation.Second, tokens, requests, nowSecond);
            c.Exit(reservation.Stripe);
        }
    }

    private SlidingWindowCounter Counter(string key) =>
        _counters.TryGetValue(key, out var counter) ? counter : _counters.GetOrAdd(key, static (_, stripes) => new SlidingWindowCounter(stripes), _stripes);

    private static ValueTask<LimitDecision> Refuse(LimitScope scope, LimitKind kind, TimeSpan? retryAfter) =>
        ValueTask.FromResult(new LimitDecision(null, scope, kind, retryAfter));
}
