using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tokengate.Audit;

namespace Tokengate.Authorization;

/// <summary>
/// Writes <c>authorization.denied</c> audit records without holding up the request: at most one per consumer and
/// reason per <see cref="Window"/> (a flood of denied calls cannot fill the disk), through a bounded queue that a
/// background writer drains (records beyond it are dropped and counted in the log), drained again on shutdown.
/// </summary>
internal sealed partial class AuthorizationDenials(IAuditLog audit, TimeProvider time, ILogger<AuthorizationDenials> logger) : IHostedService
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int QueueCapacity = 1024;
    private const int MaxTrackedReasons = 10_000;

    private readonly Channel<AuditRecord> _queue = Channel.CreateBounded<AuditRecord>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ConcurrentDictionary<(string Actor, string Reason), DateTimeOffset> _lastWritten = new();
    private Task? _writer;
    private long _dropped;

    /// <summary>Queues an audit record of a denial unless the same actor was denied for the same reason within the window.</summary>
    public void Record(string actor, string reason, string target, string? clientAddress, string detail)
    {
        var now = time.GetUtcNow();
        var key = (actor, reason);
        if (_lastWritten.TryGetValue(key, out var last) && now - last < Window) return;
        if (_lastWritten.Count >= MaxTrackedReasons) _lastWritten.Clear();
        _lastWritten[key] = now;
        if (!_queue.Writer.TryWrite(new AuditRecord(now, actor, "authorization.denied", target, clientAddress, "denied", detail)))
            Interlocked.Increment(ref _dropped);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_writer is not null) await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        await foreach (var record in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await audit.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                LogWriteFailed(logger, ex);
            }
            var dropped = Interlocked.Exchange(ref _dropped, 0);
            if (dropped > 0) LogDropped(logger, dropped);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Could not write an authorization.denied audit record")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "{Count} authorization.denied audit records were dropped: the audit queue was full")]
    private static partial void LogDropped(ILogger logger, long count);
}
