using System.Collections.Concurrent;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Remembers the states of finished (or refused) OIDC callbacks until their sign-in would have timed out anyway, so a
/// callback URL and state cookie that were captured and sent again are refused even before the provider refuses the
/// used code. In memory: a replay must also get past the provider, which accepts a code once.
/// </summary>
internal sealed class OidcSignInReplayGuard(TimeProvider time)
{
    // Anyone may start sign-ins and send callbacks, so the set is bounded and swept in passes (every SweepEvery
    // entries, or when full), never walked on every call.
    private const int SweepEvery = 1_000;
    private const int Capacity = 100_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);
    private int _sinceSweep;

    /// <summary>
    /// True the first time a state is presented before <paramref name="until"/>; false for any repeat, and while the
    /// guard is full of unexpired states (a flood of callbacks: sign-in waits rather than memory grows).
    /// </summary>
    public bool TryUse(string state, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _sinceSweep) >= SweepEvery)
        {
            Interlocked.Exchange(ref _sinceSweep, 0);
            Sweep(now);
        }
        if (_used.Count >= Capacity)
        {
            Sweep(now);
            if (_used.Count >= Capacity) return false;
        }
        return _used.TryAdd(state, until);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, end) in _used)
        {
            if (end <= now) _used.TryRemove(key, out _);
        }
    }
}
