using System.Threading.Channels;

namespace Tokengate.Affinity;

/// <summary>
/// The bounded queue between <see cref="RedisAffinityStore"/> and <see cref="AffinityWriter"/>. A request never waits
/// for room: when the queue is full (the database has been away for a long while) the change is dropped and counted in
/// <c>tokengate.affinity.durable_dropped</c>. Redis, written before the request goes on, still has it; only a Redis
/// that also loses its data before the record is made again would lose it.
/// </summary>
internal sealed class AffinityQueue(AffinityMetrics metrics)
{
    internal const int Capacity = 100_000;

    private readonly Channel<AffinityChange> _channel = Channel.CreateBounded<AffinityChange>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<AffinityChange> Reader => _channel.Reader;

    public void Enqueue(AffinityChange change)
    {
        if (!_channel.Writer.TryWrite(change)) metrics.DurableDropped.Add(1);
    }

    /// <summary>No more changes: the writer drains what is queued and stops.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
