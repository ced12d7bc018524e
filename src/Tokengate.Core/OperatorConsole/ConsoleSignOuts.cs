using System.Collections.Concurrent;

namespace Tokengate.OperatorConsole;

/// <summary>
/// Sessions signed out on this instance, by their CSRF token (random per session), until their absolute lifetime
/// would have ended: a copy of the cookie taken before sign-out is refused too, not only the browser's own cookie
/// deleted. In memory, so another instance of a fleet honours it only until the session's own expiry; revoking the
/// key ends a key session everywhere at once.
/// </summary>
internal sealed class ConsoleSignOuts(TimeProvider time)
{
    private const int SweepAt = 10_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    public void Add(string sessionToken, DateTimeOffset until)
    {
        if (_ended.Count >= SweepAt)
        {
            var now = time.GetUtcNow();
            foreach (var (key, end) in _ended)
            {
                if (end <= now) _ended.TryRemove(key, out _);
            }
        }
        _ended[sessionToken] = until;
    }

    public bool Contains(string sessionToken) => !_ended.IsEmpty && _ended.ContainsKey(sessionToken);
}
