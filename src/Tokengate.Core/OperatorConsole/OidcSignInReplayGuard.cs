using System.Collections.Concurrent;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Remembers the states of finished (or refused) OIDC callbacks until their sign-in would have timed out anyway, so a
/// callback URL and state cookie that were captured and sent again are refused even before the provider refuses the
/// used code. In memory: a replay must also get past the provider, which accepts a code once.
/// </summary>
internal sealed class OidcSignInReplayGuard(TimeProvider time)
{
    private const int SweepAt = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>True the first time a state is presented before <paramref name="until"/>; false for any repeat.</summary>
    public bool TryUse(string state, DateTimeOffset until)
    {
        var now = time.GetUtcNow();
        if (_used.Count >= SweepAt)
        {
            foreach (var (key, end) in _used)
            {
                if (end <= now) _used.TryRemove(key, out _);
            }
        }
        return _used.TryAdd(state, until);
    }
}
