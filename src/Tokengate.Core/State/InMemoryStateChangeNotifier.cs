namespace Tokengate.State;

/// <summary>One instance: a change reaches this instance's subscribers only.</summary>
internal sealed class InMemoryStateChangeNotifier : IStateChangeNotifier
{
    private readonly StateChangeSubscribers _subscribers = new();

    public ValueTask PublishAsync(string topic, CancellationToken cancellationToken)
    {
        _subscribers.Raise(topic);
        return ValueTask.CompletedTask;
    }

    public IDisposable Subscribe(string topic, Action handler) => _subscribers.Add(topic, handler);
}
