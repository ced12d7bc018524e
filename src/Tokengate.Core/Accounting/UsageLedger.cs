using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tokengate.Configuration;

namespace Tokengate.Accounting;

/// <summary>
/// The bounded queue between the request path and <see cref="UsageLedgerWriter"/>. When it is full a request waits
/// for room rather than losing its record; every such wait is counted (<c>tokengate.ledger.queue_full</c>).
/// </summary>
internal sealed class UsageLedger(IOptions<GatewayOptions> options, AccountingMetrics metrics)
{
    private readonly Channel<UsageRecord> _channel = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(options.Value.Accounting.LedgerQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    public ChannelReader<UsageRecord> Reader => _channel.Reader;

    public ValueTask AppendAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(record)) return ValueTask.CompletedTask;
        metrics.LedgerQueueFull.Add(1);
        return _channel.Writer.WriteAsync(record, cancellationToken);
    }

    /// <summary>No more records: the writer drains what is queued and stops.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
