namespace Tokengate.State;

/// <summary>
/// Tells every gateway instance (this one included) that shared data changed, so each drops what it cached, e.g.
/// <c>consumers</c> after a key is revoked. A message carries only a topic: receivers re-read the data from its
/// store. In memory it reaches this instance's subscribers; with Redis it goes over pub/sub to all instances, and
/// after a lost connection comes back every topic is raised once, since messages sent meanwhile were missed.
/// </summary>
internal interface IStateChangeNotifier
{
    /// <summary>Announces a change of <paramref name="topic"/>; never throws for an unreachable Redis (local subscribers still hear it).</summary>
    ValueTask PublishAsync(string topic, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="handler"/> on every change of <paramref name="topic"/> until the result is disposed. Handlers must be quick and must not throw.</summary>
    IDisposable Subscribe(string topic, Action handler);
}
