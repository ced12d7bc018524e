using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tokengate.Accounting;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.FineTuning;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Routing;
using Tokengate.Telemetry;

namespace Tokengate.Batches;

/// <summary>
/// Batches in <see cref="BatchMode.Azure"/> mode: forwarded to a Global or Data Zone Batch deployment of the pool.
/// <list type="bullet">
/// <item>Create: a copy of the consumer's input with every line's <c>body.model</c> set to the batch deployment's name is
/// uploaded to that backend's Files API (purpose <c>batch</c>; a new copy each time, since a rewritten file belongs to one
/// deployment), awaited until processed, and the batch created there. A refusal is the consumer's answer; nothing is stored.</item>
/// <item>Refresh: the backend is asked for the batch at most once per <see cref="BatchesOptions.AzurePollInterval"/>, by
/// one instance of a fleet (the one that takes the batch's lease), and its state stored.</item>
/// <item>Finish: when the backend reports a terminal state, its output and error files are copied once into the
/// consumer's own gateway files (they outlive the backend's copies), and one ledger row for the whole batch (tokens
/// from the batch's <c>usage</c>, else summed from the output file, at the batch price) commits in the same transaction
/// as the terminal state; the budgets are settled after that commit, so neither is ever counted twice.</item>
/// </list>
/// </summary>
internal sealed partial class AzureBatches(
    GatewayConfiguration configuration, BatchStore store, FileService files, FineTuningBackendClient backends, IBudgetStore budgets,
    GatewayMetrics metrics, TimeProvider time, ILogger<AzureBatches> logger)
{
    /// <summary>How often a file the backend is still processing is looked at again.</summary>
    private static readonly TimeSpan FilePollInterval = TimeSpan.FromSeconds(1);

    private readonly string _instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The pool's batch deployment (the first configured), or null when it has none.</summary>
    public static Backend? BatchBackend(Pool pool)
    {
        foreach (var backend in pool.Backends)
        {
            if (backend.IsBatchDeployment) return backend;
        }
        return null;
    }

    /// <summary>
    /// The ledger row of an Azure batch has this id, the same however often its end is processed, so the ledger keeps
    /// one row per batch (line -1: the batch as a whole, never a line of a gateway-run batch).
    /// </summary>
    public static Guid RecordIdFor(string batchId) => BatchLineRun.RecordIdFor(batchId, -1);

    public async Task<(BatchRecord? Batch, GatewayError? Error)> CreateAsync(BatchRecord batch, StoredFile file, Pool pool, CancellationToken cancellationToken)
    {
        var backend = BatchBackend(pool) ?? throw new InvalidOperationException($"The pool {pool.Name} has no batch deployment.");
        var forwarding = configuration.Current.Forwarding;
        var deadline = time.GetUtcNow() + forwarding.Deadline;
        var spool = Path.GetTempFileName();
        string? placed = null;
        try
        {
            await using (var target = new FileStream(spool, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                if (await files.OpenAsync(file.Id, file.Consumer, cancellationToken).ConfigureAwait(false) is not { } opened)
                    return (null, BatchErrors.FileNotFound(file.Id));
                await using var content = opened.Content;
                await BatchInputRewriter.RewriteAsync(content, target, backend.Deployment, cancellationToken).ConfigureAwait(false);
            }

            using var form = new MultipartFormDataContent();
            form.Add(new StringContent(FilePurposes.Batch), "purpose");
            var part = new PlacedFileContent(_ => Task.FromResult<Stream>(new FileStream(spool, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous)),
                new FileInfo(spool).Length);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(part, "file", file.Filename);
            var reply = await backends.SendAsync(backend, HttpMethod.Post, AzureBatchUpstream.Files(backend), form, Remaining(deadline), cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess) return (null, Refused(reply, pool.Name));
            var (id, status, details) = ReadFile(reply.Body);
            if (id is null) return (null, GatewayError.BadGateway(pool.Name));
            placed = id;
            LogPlaced(logger, file.Id, backend.Name, id);

            // Azure processes an uploaded file before a batch may use it; an OpenAI-protocol backend's status is deprecated.
            while (!(status == "processed" || (backend.Protocol == BackendProtocol.OpenAI && status is null or "uploaded")))
            {
                if (status == "error")
                    return (null, BatchErrors.Invalid($"The batch deployment did not accept the input file {file.Id}: {details ?? "it found it invalid"}.", "input_file_id"));
                if (time.GetUtcNow() + FilePollInterval >= deadline) return (null, GatewayError.Timeout(pool.Name));
                await Task.Delay(FilePollInterval, time, cancellationToken).ConfigureAwait(false);
                reply = await backends.SendAsync(backend, HttpMethod.Get, AzureBatchUpstream.Files(backend, id), null, forwarding.AttemptTimeout, cancellationToken).ConfigureAwait(false);
                if (!reply.IsSuccess) return (null, Refused(reply, pool.Name));
                (_, status, details) = ReadFile(reply.Body);
            }

            reply = await backends.SendAsync(backend, HttpMethod.Post, AzureBatchUpstream.Batches(backend), FineTuningBackendClient.JsonContent(CreateBody(batch, id)),
                forwarding.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess) return (null, Refused(reply, pool.Name));
            if (AzureBatchState.Read(reply.Body) is not { } state) return (null, GatewayError.BadGateway(pool.Name));
            placed = null;  // the batch uses it now: the service removes it with the batch
            LogCreated(logger, batch.Id, backend.Name, state.Id);
            return (batch with
            {
                Backend = backend.Name,
                UpstreamId = state.Id,
                UpstreamFileId = id,
                // A batch already over when created (a service that answers at once) is finishing here: the first
                // refresh copies its files and writes its usage.
                Status = state.Status is { } answered && !BatchStatus.IsTerminal(answered) ? answered : state.Status is null ? BatchStatus.Validating : BatchStatus.Finalizing,
                Total = state.Total,
            }, null);
        }
        catch (HttpRequestException ex)
        {
            LogCallFailed(logger, ex, batch.Id, backend.Name);
            return (null, GatewayError.BadGateway(pool.Name));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, GatewayError.Timeout(pool.Name));
        }
        finally
        {
            File.Delete(spool);
            // A file the batch never came to use is removed at once: a resource holds at most 500 batch files.
            if (placed is not null) await DeleteQuietlyAsync(backend, placed).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The batch as it stands: asked of its backend when it is not finished and the last poll is older than
    /// <see cref="BatchesOptions.AzurePollInterval"/> (or <paramref name="force"/>), by whoever takes its lease; when
    /// another caller holds it, the stored state. A backend that fails is asked again after the interval.
    /// </summary>
    public async Task<BatchRecord> RefreshAsync(BatchRecord batch, bool force, CancellationToken cancellationToken)
    {
        if (batch.Mode != BatchMode.Azure || BatchStatus.IsTerminal(batch.Status) || batch.UpstreamId is null) return batch;
        var snapshot = configuration.Current;
        var options = snapshot.Options.Batches;
        var now = time.GetUtcNow();
        if (!force && batch.PolledAt is { } polled && now - polled < options.AzurePollInterval) return batch;
        if (Locate(batch, snapshot) is not { } backend)
        {
            LogBackendGone(logger, batch.Id, batch.Backend ?? "");
            return batch;
        }
        // One owner per call: two callers in one instance (the runner and a GET) exclude each other as instances do.
        var owner = _instance + "/" + Guid.NewGuid().ToString("N");
        if (!await store.TryLeaseAsync(batch.Id, batch.Status, owner, now, now + options.LeaseDuration, cancellationToken).ConfigureAwait(false))
            return await store.FindAsync(batch.Id, null, cancellationToken).ConfigureAwait(false) ?? batch;
        try
        {
            var reply = await backends.SendAsync(backend, HttpMethod.Get, AzureBatchUpstream.Batches(backend, batch.UpstreamId), null,
                snapshot.Forwarding.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess || AzureBatchState.Read(reply.Body) is not { } state)
            {
                LogPollRefused(logger, batch.Id, backend.Name, reply.Status);
                await ReleaseAsync(batch.Id, owner, now).ConfigureAwait(false);
            }
            else if (state.Status is { } status && BatchStatus.IsTerminal(status))
            {
                await FinishAsync(batch, backend, state, owner, snapshot, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var set = state.Columns();
                set["polled_at"] = now;
                // A cancel may have changed the state since this poll began: then the next poll tells.
                if (!await store.UpdateActiveAsync(batch.Id, owner, set, null, cancellationToken, expectedStatus: batch.Status).ConfigureAwait(false))
                    await ReleaseAsync(batch.Id, owner, null).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(logger, ex, batch.Id, backend.Name);
            await ReleaseAsync(batch.Id, owner, now).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync(batch.Id, owner, batch.PolledAt).ConfigureAwait(false);
            throw;
        }
        return await store.FindAsync(batch.Id, null, cancellationToken).ConfigureAwait(false) ?? batch;
    }

    public async Task<(BatchRecord? Batch, GatewayError? Error)> CancelAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        if (batch.Status is BatchStatus.Cancelling or BatchStatus.Cancelled) return (batch, null);
        if (BatchStatus.IsTerminal(batch.Status)) return (null, BatchErrors.NotCancellable(batch.Id, batch.Status));
        var snapshot = configuration.Current;
        if (Locate(batch, snapshot) is not { } backend)
        {
            return (null, new GatewayError(503, "ServiceUnavailable",
                $"The batch deployment that runs batch {batch.Id} is no longer configured; the batch cannot be reached through the gateway."));
        }
        try
        {
            var reply = await backends.SendAsync(backend, HttpMethod.Post, AzureBatchUpstream.Batches(backend, batch.UpstreamId, "cancel"), null,
                snapshot.Forwarding.AttemptTimeout, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess)
            {
                // Most often it finished meanwhile: then the answer is the gateway's own, with the batch's state.
                var fresh = await RefreshAsync(batch, force: true, cancellationToken).ConfigureAwait(false);
                return (null, BatchStatus.IsTerminal(fresh.Status) ? BatchErrors.NotCancellable(batch.Id, fresh.Status) : Refused(reply, batch.Pool));
            }
            var state = AzureBatchState.Read(reply.Body);
            if (state?.Status is { } status && BatchStatus.IsTerminal(status))
                return (await RefreshAsync(batch, force: true, cancellationToken).ConfigureAwait(false), null);
            var set = state?.Columns() ?? [];
            set["status"] = state?.Status ?? BatchStatus.Cancelling;
            if (!set.ContainsKey("cancelling_at")) set["cancelling_at"] = time.GetUtcNow();
            await store.UpdateActiveAsync(batch.Id, null, set, null, cancellationToken).ConfigureAwait(false);
            LogCancelled(logger, batch.Id, backend.Name);
            return (await store.FindAsync(batch.Id, batch.Consumer, cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException ex)
        {
            LogCallFailed(logger, ex, batch.Id, backend.Name);
            return (null, GatewayError.BadGateway(batch.Pool));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, GatewayError.Timeout(batch.Pool));
        }
    }

    /// <summary>
    /// The batch ended at its backend: its files copied into the consumer's (once: their ids are stored before the rest,
    /// so a retry after a crash finds them), then the terminal state and the ledger row in one transaction, then the budgets.
    /// </summary>
    private async Task FinishAsync(BatchRecord batch, Backend backend, AzureBatchState state, string owner, GatewaySnapshot snapshot, CancellationToken cancellationToken)
    {
        var outputId = batch.OutputFileId;
        var errorId = batch.ErrorFileId;
        var copied = false;
        if (outputId is null && state.OutputFileId is { } upstreamOutput)
        {
            outputId = await CopyFileAsync(batch, backend, upstreamOutput, "_output.jsonl", snapshot, cancellationToken).ConfigureAwait(false);
            copied |= outputId is not null;
        }
        if (errorId is null && state.ErrorFileId is { } upstreamError)
        {
            errorId = await CopyFileAsync(batch, backend, upstreamError, "_error.jsonl", snapshot, cancellationToken).ConfigureAwait(false);
            copied |= errorId is not null;
        }
        if (copied)
        {
            await store.UpdateActiveAsync(batch.Id, owner, new Dictionary<string, object?> { ["output_file_id"] = outputId, ["error_file_id"] = errorId },
                null, cancellationToken, keepLease: true).ConfigureAwait(false);
        }

        var source = UsageSource.Reported;
        var usage = state.Usage ?? default;
        if (state.Usage is null && outputId is not null && await files.OpenAsync(outputId, batch.Consumer, cancellationToken).ConfigureAwait(false) is { } opened)
        {
            await using var content = opened.Content;
            usage = await BatchOutputUsage.SumAsync(content, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var set = state.Columns();
        set["polled_at"] = now;
        set["output_file_id"] = outputId;
        set["error_file_id"] = errorId;
        set["input_tokens"] = usage.Input;
        set["cached_tokens"] = usage.Cached;
        set["output_tokens"] = usage.Output;
        set["reasoning_tokens"] = usage.Reasoning;

        UsageRecord? record = null;
        var cost = 0m;
        if (usage.Input + usage.Output > 0)
        {
            var options = snapshot.Options;
            var model = backend.Model ?? FirstModel(batch, snapshot) ?? state.Model;
            var counts = new UsageCounts(usage.Input, usage.Cached, usage.Output, source);
            cost = PriceTable.For(batch.Pool, model, options.Accounting).Cost(counts) * options.Batches.PriceMultiplier;
            var operation = BatchLineExecutor.OperationFor(batch.Endpoint);
            var ended = state.Times.Values.DefaultIfEmpty(now).Max();
            record = new UsageRecord(now, batch.Consumer, batch.Group, batch.Pool, backend.Name, model, usage.Input, usage.Cached, usage.Output, cost,
                200, Math.Max(0, (ended - batch.CreatedAt).TotalMilliseconds), null, false, source, Operation: operation)
            {
                OperationName = operation?.Name,
                BatchId = batch.Id,
                Id = RecordIdFor(batch.Id),
            };
        }

        if (!await store.UpdateActiveAsync(batch.Id, owner, set, record, cancellationToken).ConfigureAwait(false)) return;
        LogFinished(logger, batch.Id, state.Status!, state.Completed, state.Failed, usage.Input, usage.Output);
        if (record is null) return;
        metrics.Record(record, now);
        // The spend is known only now: admitted and settled at once (a spent budget cannot refuse work already done).
        var consumer = new Consumer(batch.Consumer, batch.Group, new HashSet<string>(batch.Roles, StringComparer.OrdinalIgnoreCase));
        var admission = await budgets.AdmitAsync(consumer, snapshot.Options.Budgets, 0m, 0, CancellationToken.None).ConfigureAwait(false);
        await budgets.SettleAsync(admission, cost, usage.Input + usage.Output, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Streams one of the backend's files into a new file of the batch's owner; null when the backend no longer has it.</summary>
    private async Task<string?> CopyFileAsync(BatchRecord batch, Backend backend, string upstreamId, string suffix, GatewaySnapshot snapshot, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(snapshot.Forwarding.Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        using var response = await backends.OpenAsync(backend, AzureBatchUpstream.FileContent(backend, upstreamId), linked.Token).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            LogFileGone(logger, batch.Id, backend.Name, upstreamId);
            return null;
        }
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The backend answered {(int)response.StatusCode} to the content of file {upstreamId}.", null, response.StatusCode);
        await using var content = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
        var stored = await files.CreateProducedAsync(batch.Consumer, batch.Id + suffix, FilePurposes.BatchOutput, content, linked.Token).ConfigureAwait(false);
        return stored.Id;
    }

    /// <summary>Gives the lease back, and records the attempt so the backend is asked again only after the interval.</summary>
    private async Task ReleaseAsync(string batchId, string owner, DateTimeOffset? polledAt)
    {
        try
        {
            await store.UpdateActiveAsync(batchId, owner, new Dictionary<string, object?> { ["polled_at"] = polledAt }, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The lease ends on its own.
            LogCallFailed(logger, ex, batchId, "database");
        }
    }

    private async Task DeleteQuietlyAsync(Backend backend, string fileId)
    {
        try
        {
            await backends.SendAsync(backend, HttpMethod.Delete, AzureBatchUpstream.Files(backend, fileId), null, configuration.Current.Forwarding.AttemptTimeout,
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogCallFailed(logger, ex, fileId, backend.Name);
        }
    }

    private TimeSpan Remaining(DateTimeOffset deadline)
    {
        var remaining = deadline - time.GetUtcNow();
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1);
    }

    private static Backend? Locate(BatchRecord batch, GatewaySnapshot snapshot)
    {
        if (batch.Backend is null || !snapshot.TryGetPool(batch.Pool, out var pool)) return null;
        foreach (var backend in pool.Backends)
        {
            if (backend.Name == batch.Backend) return backend;
        }
        return null;
    }

    private static string? FirstModel(BatchRecord batch, GatewaySnapshot snapshot)
    {
        if (!snapshot.TryGetPool(batch.Pool, out var pool)) return null;
        foreach (var backend in pool.Backends)
        {
            if (backend.Model is { } model) return model;
        }
        return null;
    }

    private static byte[] CreateBody(BatchRecord batch, string inputFileId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("input_file_id", inputFileId);
            json.WriteString("endpoint", batch.Endpoint);
            json.WriteString("completion_window", batch.CompletionWindow);
            if (batch.Metadata is { } metadata)
            {
                json.WritePropertyName("metadata");
                json.WriteRawValue(metadata, skipInputValidation: true);
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The backend's refusal as the consumer's answer: a request error (400, 404, 409, 413, 422) or throttling (429) in
    /// the service's words; anything else (its credential refused, a server error) is the gateway's 502.
    /// </summary>
    private static GatewayError Refused(BackendReply reply, string pool)
    {
        if (reply.Status is not (400 or 404 or 409 or 413 or 422 or 429)) return GatewayError.BadGateway(pool);
        string? code = null, message = null, type = null, param = null;
        try
        {
            using var document = JsonDocument.Parse(reply.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                (code, message, type, param) = (Text(error, "code"), Text(error, "message"), Text(error, "type"), Text(error, "param"));
        }
        catch (JsonException)
        {
            // Not the service's error shape: the status alone is passed on.
        }
        return new GatewayError(reply.Status, code ?? (reply.Status == 429 ? "429" : "invalid_request"),
            "The batch deployment refused the batch: " + (message ?? $"it answered {reply.Status}."), type ?? "invalid_request_error", param,
            reply.Status == 429 ? reply.RetryAfter ?? TimeSpan.FromSeconds(60) : null);
    }

    private static (string? Id, string? Status, string? Details) ReadFile(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object ? (Text(root, "id"), Text(root, "status"), Text(root, "status_details")) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(2301, LogLevel.Information, "Input of batch file {FileId} placed on batch deployment {Backend} as {BackendFileId}, lines rewritten to its deployment")]
    private static partial void LogPlaced(ILogger logger, string fileId, string backend, string backendFileId);

    [LoggerMessage(2302, LogLevel.Information, "Batch {Batch} created on batch deployment {Backend} as {UpstreamId}")]
    private static partial void LogCreated(ILogger logger, string batch, string backend, string upstreamId);

    [LoggerMessage(2303, LogLevel.Warning, "A call for batch {Batch} to {Backend} failed; it is tried again later")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string batch, string backend);

    [LoggerMessage(2304, LogLevel.Warning, "Batch deployment {Backend} answered {Status} when asked for batch {Batch}; it is asked again after the poll interval")]
    private static partial void LogPollRefused(ILogger logger, string batch, string backend, int status);

    [LoggerMessage(2305, LogLevel.Information, "Batch {Batch} {Status} at its batch deployment: {Succeeded} lines answered, {Failed} failed, {InputTokens} input and {OutputTokens} output tokens")]
    private static partial void LogFinished(ILogger logger, string batch, string status, int succeeded, int failed, long inputTokens, long outputTokens);

    [LoggerMessage(2306, LogLevel.Warning, "Batch {Batch} runs on backend {Backend}, which is no longer configured in its pool; its state is not refreshed")]
    private static partial void LogBackendGone(ILogger logger, string batch, string backend);

    [LoggerMessage(2307, LogLevel.Warning, "File {FileId} of batch {Batch} is gone from batch deployment {Backend}; the batch has no copy of it")]
    private static partial void LogFileGone(ILogger logger, string batch, string backend, string fileId);

    [LoggerMessage(2308, LogLevel.Information, "Batch {Batch} cancelled at batch deployment {Backend}")]
    private static partial void LogCancelled(ILogger logger, string batch, string backend);
}
