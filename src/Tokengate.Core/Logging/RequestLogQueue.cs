using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tokengate.Telemetry;

namespace Tokengate.Logging;

/// <summary>
/// The bounded queue between the request path and <see cref="RequestLogWriter"/>. Logging never makes a request
/// wait: when the queue is full the entry is dropped and counted (<c>tokengate.request_log.dropped</c>).
/// </summary>
internal sealed class RequestLogQueue
{
    private readonly Channel<RequestLogEntry> _channel;
    private readonly Counter<long> _dropped;

    public RequestLogQueue(IOptions<RequestLogOptions> options, GatewayMetrics metrics)
    {
        _channel = Channel.CreateBounded<RequestLogEntry>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _dropped = metrics.Meter.CreateCounter<long>("tokengate.request_log.dropped", "{entry}", "Request log entries dropped because the log queue was full.");
        metrics.Meter.CreateObservableGauge("tokengate.request_log.queue_length", () => _channel.Reader.Count, "{entry}", "Request log entries waiting to be written.");
    }

    public ChannelReader<RequestLogEntry> Reader => _channel.Reader;

    public void Offer(RequestLogEntry entry)
    {
        if (!_channel.Writer.TryWrite(entry)) _dropped.Add(1);
    }

    public void Complete() => _channel.Writer.TryComplete();
}
