using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;

namespace Tokengate.Audit;

/// <summary>
/// Writes the failures that <see cref="FailureAudit"/> queued, aggregated: within each
/// <see cref="AuditOptions.FailureInterval"/>, the repeats of one action, actor, client address and reason become one
/// record with their count (its time is the first one's, its target and user agent the first one's), and one log
/// line. When the interval ends the records are written in one transaction. Past
/// <see cref="AuditOptions.MaxFailureRecordsPerInterval"/> distinct records, further failures are counted in one
/// record per action with actor <c>(various)</c> and no address. So whatever arrives, an interval adds at most that
/// many records plus one per action. It stops only after the web server has (<see cref="QueueDrainingWriter"/>) and
/// writes what is left then.
/// </summary>
internal sealed partial class FailureAuditWriter(
    FailureAudit failures, IAuditLog audit, IOptions<AuditOptions> options, TimeProvider time, ILogger<FailureAuditWriter> logger)
    : QueueDrainingWriter
{
    /// <summary>The actor of the record that counts failures past the per-interval limit.</summary>
    public const string Various = "(various)";

    private const int BatchSize = 500;
    private const string PastLimit = $"more distinct failures than {AuditOptions.SectionName}:MaxFailureRecordsPerInterval";
    private readonly AuditOptions _options = options.Value;
    private readonly Dictionary<FailureKey, FailureAggregateState> _pending = [];
    private PeriodicTimer? _interval;

    /// <summary>The interval runs from the host's start, not from when the loop first runs, so its ends are known times.</summary>
    protected override Task PrepareAsync(CancellationToken cancellationToken)
    {
        _interval = new PeriodicTimer(_options.FailureInterval, time);
        return Task.CompletedTask;
    }

    protected override void CompleteQueue() => failures.Complete();

    protected override async Task RunAsync()
    {
        using var interval = _interval!;
        var tick = interval.WaitForNextTickAsync().AsTask();
        var more = failures.Reader.WaitToReadAsync().AsTask();
        while (true)
        {
            await Task.WhenAny(more, tick).ConfigureAwait(false);
            if (tick.IsCompleted)
            {
                Gather();
                await FlushAsync().ConfigureAwait(false);
                tick = interval.WaitForNextTickAsync().AsTask();
            }
            if (more.IsCompleted)
            {
                if (!await more.ConfigureAwait(false)) break;
                Gather();
                more = failures.Reader.WaitToReadAsync().AsTask();
            }
        }
        // The queue is complete and empty: what this interval gathered is written now rather than lost.
        await FlushAsync().ConfigureAwait(false);
    }

    private void Gather()
    {
        while (failures.Reader.TryRead(out var failure))
        {
            var key = new FailureKey(failure.Action, failure.Actor, failure.Address, failure.Reason);
            if (!_pending.TryGetValue(key, out var state) && _pending.Count >= _options.MaxFailureRecordsPerInterval)
            {
                key = new FailureKey(failure.Action, Various, null, PastLimit);
                _pending.TryGetValue(key, out state);
            }
            if (state is null) _pending[key] = new FailureAggregateState(failure);
            else state.Count++;
        }
    }

    private async Task FlushAsync()
    {
        if (_pending.Count == 0) return;
        var records = new List<AuditRecord>(_pending.Count);
        foreach (var (key, state) in _pending)
        {
            var first = state.First;
            var detail = first.UserAgent is null ? key.Reason : $"{key.Reason}; user agent: {first.UserAgent}";
            records.Add(new AuditRecord(first.At, key.Actor, key.Action, first.Target, key.Address?.ToString(), "denied", detail) { Count = state.Count });
        }
        _pending.Clear();

        for (var i = 0; i < records.Count; i += BatchSize)
        {
            var batch = records.GetRange(i, Math.Min(BatchSize, records.Count - i));
            try
            {
                await audit.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or IOException or TimeoutException)
            {
                var lost = batch.Sum(r => r.Count);
                failures.Dropped(lost, "write_failed");
                LogWriteFailed(logger, ex, batch.Count, lost);
                continue;
            }
            foreach (var r in batch) LogFailure(logger, r.Count, r.Action, r.Actor, r.ClientAddress ?? "-", r.Detail, r.Target ?? "-", r.At);
        }
    }

    [LoggerMessage(1101, LogLevel.Information, "Audit: {Count} × {Action} by {Actor} from {ClientAddress} ({Detail}), first at {At:O} on {Target}")]
    private static partial void LogFailure(ILogger logger, long count, string action, string actor, string clientAddress, string? detail, string target, DateTimeOffset at);

    [LoggerMessage(1102, LogLevel.Error, "Could not write {Records} aggregated failure records ({Failures} failures) to the audit log; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int records, long failures);
}
