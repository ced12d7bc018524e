namespace Tokengate.Priority;

/// <summary>
/// The waiters of one pool: a line per consumer (first come, first served within it) and a rotation of the
/// consumers with waiters. Every wake gives the first waiter of each consumer one retry, starting one consumer further
/// along each time, so a consumer with many waiters gets no more turns than one with a single waiter.
/// </summary>
internal sealed class WaitLane
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedList<Waiter>> _byConsumer = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<string> _rotation = new();
    private readonly Dictionary<string, int> _byClass = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Queues a waiter at the end of its consumer's line; null when that line already holds <paramref name="maxPerConsumer"/>.</summary>
    public Waiter? TryAdd(string consumer, string priority, int maxPerConsumer)
    {
        lock (_lock)
        {
            if (!_byConsumer.TryGetValue(consumer, out var line))
            {
                line = new LinkedList<Waiter>();
                _byConsumer[consumer] = line;
            }
            if (line.Count >= maxPerConsumer) return null;
            if (line.Count == 0) _rotation.AddLast(consumer);
            var waiter = new Waiter(consumer, priority);
            waiter.Node = line.AddLast(waiter);
            _byClass[priority] = _byClass.GetValueOrDefault(priority) + 1;
            return waiter;
        }
    }

    /// <summary>Takes a waiter out of its line; when it was first, the next one gets a retry at once (it may never have had one).</summary>
    public void Remove(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is not { } node) return;
            var line = node.List!;
            var wasFirst = line.First == node;
            line.Remove(node);
            waiter.Node = null;
            _byClass[waiter.Priority]--;
            if (line.Count == 0)
            {
                _byConsumer.Remove(waiter.Consumer);
                _rotation.Remove(waiter.Consumer);
            }
            else if (wasFirst)
            {
                line.First!.Value.Wake();
            }
        }
    }

    /// <summary>Gives the first waiter of each consumer a retry, in rotation order, and moves the rotation on by one.</summary>
    public void Wake()
    {
        lock (_lock)
        {
            foreach (var consumer in _rotation) _byConsumer[consumer].First!.Value.Wake();
            if (_rotation.Count > 1)
            {
                var first = _rotation.First!;
                _rotation.RemoveFirst();
                _rotation.AddLast(first);
            }
        }
    }

    /// <summary>Waiters per class now (classes that had waiters stay, at 0, so a gauge goes back to 0).</summary>
    public void Depths(List<KeyValuePair<string, int>> into)
    {
        lock (_lock)
        {
            into.AddRange(_byClass);
        }
    }
}
