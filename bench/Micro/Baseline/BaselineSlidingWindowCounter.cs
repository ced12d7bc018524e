namespace Tokengate.Micro.Baseline;

using Tokengate.Limits;

/// <summary>
/// The counters of one scope: 60 one-second slots each for tokens and requests, and requests in flight. A slot is
/// reused once its second has left the window. Not thread-safe: <see cref="BaselineInMemoryLimitStore"/> serializes access.
/// </summary>
internal sealed class BaselineSlidingWindowCounter
{
    public const int WindowSeconds = 60;
    private readonly long[] _slotSecond = new long[WindowSeconds];
    private readonly long[] _tokens = new long[WindowSeconds];
    private readonly long[] _requests = new long[WindowSeconds];

    public int InFlight;

    public long Tokens(long nowSecond) => Sum(_tokens, nowSecond);

    public long Requests(long nowSecond) => Sum(_requests, nowSecond);

    public void Add(long second, long tokens, long requests)
    {
        var i = (int)(second % WindowSeconds);
        if (_slotSecond[i] != second)
        {
            _slotSecond[i] = second;
            _tokens[i] = 0;
            _requests[i] = 0;
        }
        _tokens[i] += tokens;
        _requests[i] += requests;
    }

    /// <summary>Adjusts a slot only while it is still in the window (after that it no longer counts anyway).</summary>
    public void Correct(long second, long tokens, long requests, long nowSecond)
    {
        var i = (int)(second % WindowSeconds);
        if (_slotSecond[i] != second || second <= nowSecond - WindowSeconds) return;
        _tokens[i] = Math.Max(0, _tokens[i] + tokens);
        _requests[i] = Math.Max(0, _requests[i] + requests);
    }

    /// <summary>
    /// Seconds from <paramref name="nowSecond"/> until enough old slots have left the window for <paramref name="cost"/>
    /// more to fit under <paramref name="limit"/>; null when it cannot fit even in an empty window.
    /// </summary>
    public long? SecondsUntilFits(long nowSecond, long cost, long limit, bool tokens)
    {
        if (cost > limit) return null;
        var values = tokens ? _tokens : _requests;
        var used = Sum(values, nowSecond);
        for (var age = WindowSeconds - 1; age >= 0; age--)
        {
            var second = nowSecond - age;
            var i = (int)(second % WindowSeconds);
            if (_slotSecond[i] != second) continue;
            used -= values[i];
            if (used + cost <= limit) return WindowSeconds - age;
        }
        return WindowSeconds;
    }

    private long Sum(long[] values, long nowSecond)
    {
        long total = 0;
        for (var i = 0; i < WindowSeconds; i++)
        {
            if (_slotSecond[i] > nowSecond - WindowSeconds && _slotSecond[i] <= nowSecond) total += values[i];
        }
        return total;
    }
}
