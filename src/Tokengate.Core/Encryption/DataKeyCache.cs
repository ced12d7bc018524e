using System.Security.Cryptography;

namespace Tokengate.Encryption;

/// <summary>
/// Unwrapped data keys kept briefly in memory: at most <c>capacity</c>, least recently used evicted first, each for
/// <c>lifetime</c> after it was added. Keys go out as copies (the caller zeroes its copy when done), and evicted keys are
/// zeroed. A shred advances the epoch: a key unwrapped from a read that began before it is not added, so a shred can
/// never be undone by a read racing it.
/// </summary>
internal sealed class DataKeyCache(int capacity, TimeSpan lifetime, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();  // most recently used first
    private long _epoch;

    /// <summary>Take it before reading a key from the database; give it back to <see cref="Add"/>.</summary>
    public long Epoch
    {
        get
        {
            lock (_lock) return _epoch;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    /// <summary>A copy of the object's key, or null.</summary>
    public byte[]? TryGet(string objectId)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(objectId, out var node)) return null;
            if (time.GetUtcNow() >= node.Value.ExpiresAt)
            {
                RemoveNode(node);
                return null;
            }
            _recency.Remove(node);
            _recency.AddFirst(node);
            return (byte[])node.Value.Key.Clone();
        }
    }

    /// <summary>Keeps a copy of <paramref name="key"/>, unless a shred happened since <paramref name="epoch"/> was taken.</summary>
    public void Add(string objectId, ReadOnlySpan<byte> key, long epoch)
    {
        if (capacity == 0 || lifetime <= TimeSpan.Zero) return;
        lock (_lock)
        {
            if (epoch != _epoch) return;
            if (_entries.TryGetValue(objectId, out var existing)) RemoveNode(existing);
            while (_entries.Count >= capacity) RemoveNode(_recency.Last!);
            var node = _recency.AddFirst(new Entry(objectId, key.ToArray(), time.GetUtcNow() + lifetime));
            _entries[objectId] = node;
        }
    }

    /// <summary>Forgets the object's key and advances the epoch (a shred).</summary>
    public void Evict(string objectId)
    {
        lock (_lock)
        {
            _epoch++;
            if (_entries.TryGetValue(objectId, out var node)) RemoveNode(node);
        }
    }

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.ObjectId);
        _recency.Remove(node);
        CryptographicOperations.ZeroMemory(node.Value.Key);
    }

    private sealed record Entry(string ObjectId, byte[] Key, DateTimeOffset ExpiresAt);
}
