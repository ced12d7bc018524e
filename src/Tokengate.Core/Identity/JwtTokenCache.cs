using System.Collections.Concurrent;

namespace Tokengate.Identity;

/// <summary>
/// Recently validated tokens and the consumer each one stands for, so a client that sends the same token on every
/// request pays for one signature check. Bounded: when full, expired entries go first, then everything.
/// </summary>
internal sealed class JwtTokenCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public bool TryGet(string token, DateTimeOffset now, out Consumer consumer)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (entry.Expires > now)
            {
                consumer = entry.Consumer;
                return true;
            }
            _entries.TryRemove(token, out _);
        }
        consumer = null!;
        return false;
    }

    public void Add(string token, Consumer consumer, DateTimeOffset expires, DateTimeOffset now)
    {
        if (capacity == 0 || expires <= now) return;
        if (_entries.Count >= capacity)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Expires <= now) _entries.TryRemove(key, out _);
            }
            if (_entries.Count >= capacity) _entries.Clear();
        }
        _entries[token] = new Entry(consumer, expires);
    }

    private sealed record Entry(Consumer Consumer, DateTimeOffset Expires);
}
