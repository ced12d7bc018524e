using Microsoft.Extensions.Hosting;

namespace Tokengate.State;

/// <summary>
/// Every instance: a change goes over the Redis channel <c>{prefix}changes</c> and each instance (this one
/// included) raises it when the message arrives. While Redis is unreachable only local subscribers hear it; when it
/// comes back every topic is raised, because messages published meanwhile never arrived.
/// </summary>
internal sealed class RedisStateChangeNotifier(RedisConnection redis) : IStateChangeNotifier, IHostedService
{
    private const string Channel = "changes";
    private readonly StateChangeSubscribers _subscribers = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        redis.Restored += _subscribers.RaiseAll;
        await redis.SubscribeAsync(Channel, message => _subscribers.Raise(message.ToString())).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask PublishAsync(string topic, CancellationToken cancellationToken)
    {
        if (!await redis.TryPublishAsync(Channel, topic).ConfigureAwait(false)) _subscribers.Raise(topic);
    }

    public IDisposable Subscribe(string topic, Action handler) => _subscribers.Add(topic, handler);
}
