using System.Collections.Concurrent;

namespace Tokengate.Screening.PromptShields;

/// <summary>
/// Verdicts by piece key, each kept for a lifetime and at most a number of them; when full, the oldest entries go
/// first. Holds hashes and booleans only, never text.
/// </summary>
internal sealed class PromptShieldsCache(int capacity, TimeSpan lifetime, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(string key, out bool attack)
    {
        attack = false;
        if (capacity == 0 || !_entries.TryGetValue(key, out var entry)) return false;
        if (time.GetUtcNow() >= entry.Expires)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            return false;
        }

        attack = entry.Attack;
        return true;
    }

    public void Set(string key, bool attack)
    {
        if (capacity == 0) return;
        var entry = new Entry(attack, time.GetUtcNow() + lifetime);
        if (_entries.TryAdd(key, entry)) _order.Enqueue(key);
        else _entries[key] = entry;

        while (_entries.Count > capacity && _order.TryDequeue(out var oldest))
        {
            _entries.TryRemove(oldest, out _);
        }
    }

    private readonly record struct Entry(bool Attack, DateTimeOffset Expires);
}
