using System.Collections.Concurrent;

namespace Tokengate.State;

/// <summary>The handlers of each topic, shared by both <see cref="IStateChangeNotifier"/> implementations.</summary>
internal sealed class StateChangeSubscribers
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _topics = new(StringComparer.Ordinal);

    public IDisposable Add(string topic, Action handler)
    {
        _topics.AddOrUpdate(topic, _ => new ImmutableHandlers([handler]), (_, h) => new ImmutableHandlers([.. h.Items, handler]));
        return new Subscription(() => _topics.AddOrUpdate(topic, _ => new ImmutableHandlers([]), (_, h) => new ImmutableHandlers([.. h.Items.Where(x => x != handler)])));
    }

    public void Raise(string topic)
    {
        if (!_topics.TryGetValue(topic, out var handlers)) return;
        foreach (var handler in handlers.Items) handler();
    }

    public void RaiseAll()
    {
        foreach (var topic in _topics.Keys) Raise(topic);
    }

    private sealed record ImmutableHandlers(Action[] Items);

    private sealed class Subscription(Action remove) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) remove();
        }
    }
}
