using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Batches;

/// <summary>
/// Runs gateway-run batches on every instance: validates new batches into lines, claims lines while the pool's
/// provisioned capacity has room for batch work (utilization below <see cref="BatchesOptions.UtilizationThresholdPercent"/>,
/// or pay-as-you-go too once the completion window nears its end), runs each through the gateway's own steps at the
/// lowest priority class, stores each answer with its ledger row, and writes the output and error files when nothing is
/// left (or the batch was cancelled, or its window ended). Every step is leased in the database, so a restart resumes
/// where the last run stopped and instances of a fleet share the work without running a line twice.
/// </summary>
internal sealed partial class BatchRunner(
    BatchStore store, BatchSealing sealing, BatchLineExecutor executor, BatchOutput output, FileService files, GatewayConfiguration configuration,
    IBackendHealth health, AzureBatches azure, BatchSignal signal, GatewayMetrics metrics, TimeProvider time, ILogger<BatchRunner> logger) : BackgroundService
{
    /// <summary>Most validation errors a failed batch lists.</summary>
    private const int MaxErrors = 100;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<(string Batch, int Line), Task> _running = new();

    /// <summary>Batches whose last line was throttled (429): no line of theirs starts before the time the answer named.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _notBefore = new();

    /// <summary>When the next line may start (lines start at most <see cref="BatchesOptions.MaxLinesPerSecond"/>, evenly).</summary>
    private DateTimeOffset _nextStart;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = signal.Next;
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRoundFailed(logger, ex);
            }
            try
            {
                // Woken by news, at the next poll, or when the pace lets the next line start, whichever is first.
                var wait = configuration.Current.Options.Batches.PollInterval;
                var paced = _nextStart - time.GetUtcNow();
                if (paced > TimeSpan.Zero && paced < wait) wait = paced;
                await Task.WhenAny(woken, Task.Delay(wait, time, stoppingToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Lines in flight were cancelled with the stopping token; each gives its line back for another instance or the next start.
        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    /// <summary>One round over the batches that have something to do.</summary>
    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in await store.ActiveAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await AdvanceBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One batch's trouble (its file unreadable, the blob store away) must not hold up the others.
                LogBatchFailed(logger, ex, batch.Id);
            }
        }
    }

    /// <summary>Whatever the batch needs next: validating, lines, finishing; an Azure batch's status.</summary>
    private async Task AdvanceBatchAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        if (batch.Mode == BatchMode.Azure)
        {
            await azure.RefreshAsync(batch, force: false, cancellationToken).ConfigureAwait(false);
            return;
        }
        switch (batch.Status)
        {
            case BatchStatus.Validating:
                await ValidateAsync(batch, cancellationToken).ConfigureAwait(false);
                break;
            case BatchStatus.InProgress:
                await AdvanceAsync(batch, cancellationToken).ConfigureAwait(false);
                break;
            case BatchStatus.Cancelling:
                await FinishAsync(batch, BatchStatus.Cancelling, cancellationToken).ConfigureAwait(false);
                break;
            case BatchStatus.Finalizing:
                // Left by an instance that stopped while writing the files: taken up once its lease ends.
                await FinishAsync(batch, BatchStatus.Finalizing, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Reads the input file into lines (bodies sealed) and starts the batch, or fails it with the lines' errors.</summary>
    private async Task ValidateAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var options = configuration.Current.Options.Batches;
        if (!await store.TryLeaseAsync(batch.Id, BatchStatus.Validating, _owner, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false)) return;
        var lines = new List<(string CustomId, byte[] SealedBody)>();
        var errors = new List<(string Code, string Message, int? Line)>();
        if (await files.OpenAsync(batch.InputFileId, batch.Consumer, cancellationToken).ConfigureAwait(false) is not { } opened)
        {
            errors.Add(("invalid_file", $"The input file {batch.InputFileId} no longer exists.", null));
        }
        else
        {
            await using var content = opened.Content;
            using var reader = new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
            var number = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } text)
            {
                number++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                if (ReadLine(text, batch, configuration.Current, number) is { } error)
                {
                    if (errors.Count < MaxErrors) errors.Add(error);
                    continue;
                }
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                var body = System.Text.Encoding.UTF8.GetBytes(root.GetProperty("body").GetRawText());
                lines.Add((root.GetProperty("custom_id").GetString()!, await sealing.SealBodyAsync(batch.Id, lines.Count, body, cancellationToken).ConfigureAwait(false)));
            }
            if (lines.Count == 0 && errors.Count == 0) errors.Add(("empty_file", $"The input file {batch.InputFileId} holds no requests.", null));
        }

        if (errors.Count > 0)
        {
            await store.TransitionAsync(batch.Id, [BatchStatus.Validating], BatchStatus.Failed, time.GetUtcNow(), cancellationToken,
                new Dictionary<string, object?> { ["errors"] = ErrorsJson(errors) }).ConfigureAwait(false);
            LogFailedValidation(logger, batch.Id, errors.Count);
            return;
        }
        if (await store.StartAsync(batch.Id, _owner, lines, time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            LogStarted(logger, batch.Id, lines.Count, batch.Pool);
    }

    /// <summary>The line's error, or null when it is a request this batch can run (the upload check did the rest).</summary>
    private static (string Code, string Message, int? Line)? ReadLine(string text, BatchRecord batch, GatewaySnapshot snapshot, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("custom_id", out var id) || id.ValueKind != JsonValueKind.String)
                return ("invalid_request", "A batch request needs a string 'custom_id'.", number);
            if (!root.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || Normalized(url.GetString()!) != Normalized(batch.Endpoint))
                return ("invalid_url", $"The request's 'url' must be the batch's endpoint {batch.Endpoint}.", number);
            if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
                return ("invalid_request", "A batch request needs a 'body' object.", number);
            if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String
                || !(snapshot.TryGetPool(model.GetString()!, out var pool) && string.Equals(pool.Name, batch.Pool, StringComparison.OrdinalIgnoreCase)))
                return ("model_mismatch", $"Every request of the batch must name the deployment '{batch.Pool}' in 'model'.", number);
            if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
                return ("invalid_request", "Batch requests cannot stream.", number);
            return null;
        }
        catch (JsonException)
        {
            return ("invalid_json_line", "The line is not valid JSON.", number);
        }

        static string Normalized(string url) => url.StartsWith("/v1/", StringComparison.Ordinal) ? url[3..] : url;
    }

    /// <summary>Dispatches lines while there is room, or ends the batch when nothing is left or its window has passed.</summary>
    private async Task AdvanceAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var snapshot = configuration.Current;
        var options = snapshot.Options.Batches;
        if (now >= batch.ExpiresAt)
        {
            await FinishAsync(batch, BatchStatus.InProgress, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (_notBefore.TryGetValue(batch.Id, out var notBefore) && now < notBefore) return;  // its lines were throttled: wait as told
        var free = Math.Min(options.Concurrency - _running.Count, PacedStarts(now, options.MaxLinesPerSecond));
        if (free > 0 && snapshot.TryGetPool(batch.Pool, out var pool))
        {
            var provisionedOnly = pool.HasProvisioned && now < batch.ExpiresAt - options.PayAsYouGoBefore;
            if (provisionedOnly && !HasRoom(pool, options.UtilizationThresholdPercent)) return;  // live traffic needs the capacity: wait
            var claimed = await store.ClaimLinesAsync(batch.Id, _owner, free, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            TakeStarts(claimed.Count, options.MaxLinesPerSecond);
            foreach (var line in claimed)
            {
                // The line is listed as running before it starts, so its end (which unlists it) always comes after.
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _running[(batch.Id, line.Line)] = RunLineAsync(batch, line, provisionedOnly, options.MaxLineAttempts, start.Task, cancellationToken);
                start.SetResult();
            }
            if (claimed.Count > 0) return;
        }
        if (_running.Keys.Any(k => k.Batch == batch.Id)) return;
        var progress = await store.ProgressAsync(batch.Id, now, cancellationToken).ConfigureAwait(false);
        if (progress.Remaining == 0) await FinishAsync(batch, BatchStatus.InProgress, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunLineAsync(BatchRecord batch, (int Line, string CustomId, int Attempts, byte[] SealedBody) line, bool provisionedOnly, int maxAttempts,
        Task start, CancellationToken cancellationToken)
    {
        await start.ConfigureAwait(false);
        var release = true;
        var counts = false;
        try
        {
            var body = await sealing.OpenAsync(batch.Id, line.SealedBody, cancellationToken).ConfigureAwait(false);
            var run = new BatchLineRun(batch.Id, line.Line, provisionedOnly);
            var sink = await executor.RunAsync(batch, run, body, cancellationToken).ConfigureAwait(false);
            // A whole answer is kept even when stopping: it was charged, and running the line again would charge twice.
            if (sink.IsAborted) return;
            var status = sink.StatusCode;
            // No answer for the line yet: throttled or out of capacity (tried again without counting, not before the
            // time the answer named), or the backends failing (counted; after the last attempt the failure is the answer).
            if (status == 429)
            {
                _notBefore[batch.Id] = time.GetUtcNow() + RetryAfterOf(sink.Headers);
                return;
            }
            if (status >= 500 && line.Attempts < maxAttempts)
            {
                counts = true;
                return;
            }
            var requestId = sink.Headers["apim-request-id"].ToString() is { Length: > 0 } apim ? apim : sink.Headers["x-request-id"].ToString();
            var response = BatchOutput.ResponseObject(status, requestId, sink.Body.Span);
            var sealedResult = await sealing.SealResultAsync(batch.Id, line.Line, response, CancellationToken.None).ConfigureAwait(false);
            release = false;
            if (await store.CompleteLineAsync(batch.Id, line.Line, _owner, status, sealedResult, run.Record, CancellationToken.None).ConfigureAwait(false))
            {
                if (run.Record is { } record) metrics.Record(record, time.GetUtcNow());
            }
            else
            {
                LogLeaseLost(logger, batch.Id, line.Line);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the line goes back below.
        }
        catch (Exception ex)
        {
            LogLineFailed(logger, ex, batch.Id, line.Line);
            counts = true;
        }
        finally
        {
            if (release)
            {
                try
                {
                    await store.ReleaseLineAsync(batch.Id, line.Line, _owner, counts, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // The lease ends on its own; the line is run again then.
                    LogLineFailed(logger, ex, batch.Id, line.Line);
                }
            }
            _running.TryRemove((batch.Id, line.Line), out _);
            signal.Wake();
        }
    }

    /// <summary>
    /// Ends a batch once no line of it runs anywhere: writes its output and error files and moves it to completed,
    /// expired (its window passed with lines left) or cancelled. One instance does it, under the batch's lease.
    /// </summary>
    private async Task FinishAsync(BatchRecord batch, string from, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var options = configuration.Current.Options.Batches;
        if (_running.Keys.Any(k => k.Batch == batch.Id)) return;
        var progress = await store.ProgressAsync(batch.Id, now, cancellationToken).ConfigureAwait(false);
        if (progress.Running > 0) return;  // another instance still runs a line; its lease or its answer ends that

        var until = now + options.LeaseDuration;
        if (from == BatchStatus.InProgress)
        {
            if (!await store.TransitionAsync(batch.Id, [BatchStatus.InProgress], BatchStatus.Finalizing, now, cancellationToken,
                    new Dictionary<string, object?> { ["lease_owner"] = _owner, ["lease_until"] = until }).ConfigureAwait(false)) return;
            from = BatchStatus.Finalizing;
        }
        else if (!await store.TryLeaseAsync(batch.Id, from, _owner, now, until, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var terminal = from == BatchStatus.Cancelling ? BatchStatus.Cancelled
            : progress.Remaining > 0 ? BatchStatus.Expired : BatchStatus.Completed;
        var written = await output.WriteAsync(batch, terminal == BatchStatus.Cancelled ? "batch_cancelled" : "batch_expired", cancellationToken).ConfigureAwait(false);
        var (input, cached, outputTokens) = await store.LedgerTokensAsync(batch.Id, cancellationToken).ConfigureAwait(false);
        var set = new Dictionary<string, object?>
        {
            ["output_file_id"] = written.OutputFileId,
            ["error_file_id"] = written.ErrorFileId,
            ["completed"] = progress.Succeeded,
            ["failed"] = progress.Failed,
            ["input_tokens"] = input,
            ["cached_tokens"] = cached,
            ["output_tokens"] = outputTokens,
        };
        if (await store.TransitionAsync(batch.Id, [from], terminal, time.GetUtcNow(), cancellationToken, set).ConfigureAwait(false))
            LogFinished(logger, batch.Id, terminal, progress.Succeeded, progress.Failed, progress.Remaining);
    }

    /// <summary>How many lines the pace lets start now (at most one second's worth saved up).</summary>
    private int PacedStarts(DateTimeOffset now, int perSecond)
    {
        var interval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond);
        if (_nextStart < now - TimeSpan.FromSeconds(1)) _nextStart = now - TimeSpan.FromSeconds(1);
        return _nextStart > now ? 0 : (int)Math.Min(int.MaxValue, (now - _nextStart).Ticks / interval.Ticks + 1);
    }

    private void TakeStarts(int started, int perSecond) =>
        _nextStart += TimeSpan.FromTicks(TimeSpan.TicksPerSecond / perSecond * started);

    /// <summary>The gateway's own <c>retry-after-ms</c> / <c>retry-after</c> (seconds) on a 429; one second when it names none.</summary>
    private static TimeSpan RetryAfterOf(Microsoft.AspNetCore.Http.IHeaderDictionary headers)
    {
        var style = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (double.TryParse(headers["retry-after-ms"].ToString(), style, culture, out var ms) && ms > 0) return TimeSpan.FromMilliseconds(ms);
        if (double.TryParse(headers["retry-after"].ToString(), style, culture, out var seconds) && seconds > 0) return TimeSpan.FromSeconds(seconds);
        return TimeSpan.FromSeconds(1);
    }

    /// <summary>Whether a provisioned backend of the pool can take batch work now: available, and below the batch threshold.</summary>
    private bool HasRoom(Pool pool, double thresholdPercent)
    {
        var view = health.WithUtilizationLimit((long)Math.Round(thresholdPercent * 100), provisionedOnly: true);
        foreach (var backend in pool.Backends)
        {
            if (backend.Type == BackendType.Provisioned && view.IsAvailable(backend, pool)) return true;
        }
        return false;
    }

    private static string ErrorsJson(List<(string Code, string Message, int? Line)> errors)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            foreach (var (code, message, line) in errors)
            {
                json.WriteStartObject();
                json.WriteString("code", code);
                json.WriteString("message", message);
                json.WriteNull("param");
                if (line is { } l) json.WriteNumber("line", l);
                else json.WriteNull("line");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [LoggerMessage(1, LogLevel.Error, "A round of the batch runner failed; it tries again at the next poll")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "Batch {Batch} failed validation with {Count} errors")]
    private static partial void LogFailedValidation(ILogger logger, string batch, int count);

    [LoggerMessage(3, LogLevel.Information, "Batch {Batch} started: {Lines} lines on pool {Pool}")]
    private static partial void LogStarted(ILogger logger, string batch, int lines, string pool);

    [LoggerMessage(4, LogLevel.Warning, "Line {Line} of batch {Batch} was answered after its lease had passed to another instance; that instance's answer is kept")]
    private static partial void LogLeaseLost(ILogger logger, string batch, int line);

    [LoggerMessage(5, LogLevel.Warning, "Line {Line} of batch {Batch} failed in the gateway; it is run again")]
    private static partial void LogLineFailed(ILogger logger, Exception exception, string batch, int line);

    [LoggerMessage(7, LogLevel.Error, "Batch {Batch} could not be advanced this round; the others go on, and it is tried again at the next poll")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string batch);

    [LoggerMessage(6, LogLevel.Information, "Batch {Batch} {Status}: {Succeeded} lines answered, {Failed} failed, {Remaining} not run")]
    private static partial void LogFinished(ILogger logger, string batch, string status, int succeeded, int failed, int remaining);
}
