using System.Text.Json;
using Tokengate.Accounting;
using Tokengate.Authorization;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.Identity;
using Tokengate.OpenAI;
using Tokengate.Routing;

namespace Tokengate.Batches;

/// <summary>
/// Creates, reads and cancels batches. A batch is checked at creation (its file is the caller's and holds batch
/// requests, the endpoint and window are served, the lines' deployment exists and the caller may batch on it, the
/// estimated cost fits every hard budget) and then runs in its mode: by the gateway's own runner, or forwarded to a
/// batch deployment (<see cref="AzureBatches"/>).
/// </summary>
internal sealed class BatchService(
    GatewayConfiguration configuration, BatchStore store, FileCatalog catalog, FileService files, BatchSealing sealing, IBudgetStore budgets,
    AzureBatches azure, BatchSignal signal, TimeProvider time)
{
    /// <summary>The endpoints a batch may target (the lines' <c>url</c> must match it).</summary>
    public static readonly string[] Endpoints = ["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/completions", "/chat/completions", "/responses", "/embeddings", "/completions"];

    public async Task<(BatchRecord? Batch, GatewayError? Error)> CreateAsync(Consumer caller, JsonElement body, string? modeHeader, CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, BatchErrors.Invalid("The request body must be a JSON object."));
        if (String(body, "input_file_id") is not { Length: > 0 } fileId) return (null, BatchErrors.Invalid("'input_file_id' is required.", "input_file_id"));
        if (String(body, "endpoint") is not { } endpoint || Array.IndexOf(Endpoints, endpoint) < 0)
            return (null, BatchErrors.Invalid($"'endpoint' must be one of {string.Join(", ", Endpoints.Take(4))}.", "endpoint"));
        var snapshot = configuration.Current;
        var options = snapshot.Options.Batches;
        var window = String(body, "completion_window") ?? "24h";
        if (!options.EffectiveCompletionWindows.Contains(window, StringComparer.Ordinal) || BatchWindows.Parse(window) is not { } windowLength)
            return (null, BatchErrors.Invalid($"'completion_window' must be one of {string.Join(", ", options.EffectiveCompletionWindows)}.", "completion_window"));
        string? metadata = null;
        if (body.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
        {
            if (meta.ValueKind != JsonValueKind.Object) return (null, BatchErrors.Invalid("'metadata' must be an object of strings.", "metadata"));
            metadata = meta.GetRawText();
        }

        var file = await catalog.FindFileAsync(fileId, caller.Name, cancellationToken).ConfigureAwait(false);
        if (file is null) return (null, BatchErrors.FileNotFound(fileId));
        if (file.Purpose != FilePurposes.Batch) return (null, BatchErrors.Invalid($"The file {fileId} was uploaded with purpose '{file.Purpose}'; a batch needs purpose 'batch'.", "input_file_id"));
        if (await FirstModelAsync(file, caller, cancellationToken).ConfigureAwait(false) is not { } model)
            return (null, BatchErrors.Invalid($"The first line of {fileId} names no 'model' in its body.", "input_file_id"));
        if (!snapshot.TryGetPool(model, out var pool)) return (null, GatewayError.DeploymentNotFound);
        var operation = BatchLineExecutor.OperationFor(endpoint)!;
        if (!snapshot.Access.Allows(caller, pool, ScopeOperations.Batch | operation.Scope))
        {
            return (null, new GatewayError(403, "PermissionDenied",
                $"The consumer '{caller.Name}' may not run batches of {ScopeOperationNames.NameOf(operation.Scope)} on deployment '{pool.Name}' (it needs the batch scope and the operation's)."));
        }

        var mode = ModeOf(modeHeader, pool.Name, options);
        if (mode is null) return (null, BatchErrors.Invalid($"The header {options.ModeHeader} must be 'gateway' or 'azure'."));
        if (mode == BatchMode.Azure && AzureBatches.BatchBackend(pool) is null) return (null, BatchErrors.NoBatchBackend(pool.Name));

        if (await RefusedByBudgetAsync(caller, file, pool, snapshot, cancellationToken).ConfigureAwait(false) is { } overBudget) return (null, overBudget);

        var now = time.GetUtcNow();
        var batch = new BatchRecord
        {
            Id = "batch_" + Guid.NewGuid().ToString("N"),
            Consumer = caller.Name,
            Group = caller.Group,
            Roles = [.. caller.Roles],
            Mode = mode.Value,
            Pool = pool.Name,
            Endpoint = endpoint,
            InputFileId = file.Id,
            CompletionWindow = window,
            Status = BatchStatus.Validating,
            Metadata = metadata,
            CreatedAt = now,
            ExpiresAt = now + windowLength,
        };
        if (mode == BatchMode.Azure)
        {
            var (created, refused) = await azure.CreateAsync(batch, file, pool, cancellationToken).ConfigureAwait(false);
            if (refused is not null) return (null, refused);
            batch = created!;
        }
        else
        {
            await sealing.CreateKeyAsync(batch.Id, cancellationToken).ConfigureAwait(false);
        }
        await store.AddAsync(batch, cancellationToken).ConfigureAwait(false);
        signal.Wake();
        return (batch, null);
    }

    /// <summary>The caller's batch as it stands now (an Azure batch's status fetched when the last poll is old enough).</summary>
    public async Task<BatchRecord?> GetAsync(string id, Consumer caller, CancellationToken cancellationToken)
    {
        var batch = await store.FindAsync(id, caller.Name, cancellationToken).ConfigureAwait(false);
        if (batch is null) return null;
        return batch.Mode == BatchMode.Azure ? await azure.RefreshAsync(batch, force: false, cancellationToken).ConfigureAwait(false) : batch;
    }

    /// <summary>Live counts of a gateway-run batch (Azure batches carry theirs).</summary>
    public async Task<BatchRecord> WithProgressAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        if (batch.Mode != BatchMode.Gateway || batch.Status is BatchStatus.Validating or BatchStatus.Failed || BatchStatus.IsTerminal(batch.Status)) return batch;
        var progress = await store.ProgressAsync(batch.Id, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return batch with { Completed = progress.Succeeded, Failed = progress.Failed };
    }

    public async Task<(BatchRecord? Batch, GatewayError? Error)> CancelAsync(string id, Consumer caller, CancellationToken cancellationToken)
    {
        var batch = await store.FindAsync(id, caller.Name, cancellationToken).ConfigureAwait(false);
        if (batch is null) return (null, BatchErrors.NotFound(id));
        if (batch.Mode == BatchMode.Azure) return await azure.CancelAsync(batch, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        // A batch not yet validated has no lines: it is cancelled at once. One in progress stops taking new lines; the
        // runner writes what finished and marks it cancelled once nothing runs.
        if (await store.TransitionAsync(id, [BatchStatus.Validating], BatchStatus.Cancelled, now, cancellationToken,
                new Dictionary<string, object?> { ["cancelling_at"] = now }).ConfigureAwait(false)
            || await store.TransitionAsync(id, [BatchStatus.InProgress], BatchStatus.Cancelling, now, cancellationToken).ConfigureAwait(false))
        {
            signal.Wake();
            return (await store.FindAsync(id, caller.Name, cancellationToken).ConfigureAwait(false), null);
        }
        batch = await store.FindAsync(id, caller.Name, cancellationToken).ConfigureAwait(false);
        return batch!.Status is BatchStatus.Cancelling or BatchStatus.Cancelled ? (batch, null) : (null, BatchErrors.NotCancellable(id, batch.Status));
    }

    private static BatchMode? ModeOf(string? header, string pool, BatchesOptions options)
    {
        if (!string.IsNullOrEmpty(header)) return Enum.TryParse<BatchMode>(header, ignoreCase: true, out var asked) && Enum.IsDefined(asked) ? asked : null;
        return options.Pools.TryGetValue(pool, out var configured) ? configured : options.DefaultMode;
    }

    /// <summary>
    /// The batch's estimated cost (input from the file's size, output per line, at the batch price) against the caller's
    /// hard budgets: the refusal, with the estimate, when it would pass one. Nothing stays reserved: the lines are
    /// admitted against the budgets one by one as they run.
    /// </summary>
    private async Task<GatewayError?> RefusedByBudgetAsync(Consumer caller, StoredFile file, Pool pool, GatewaySnapshot snapshot, CancellationToken cancellationToken)
    {
        var options = snapshot.Options;
        var outputTokens = file.Lines * (long)options.Batches.EstimatedOutputTokensPerLine;
        var estimate = new UsageCounts(FileService.TokenEstimate(file.Bytes), 0, outputTokens, UsageSource.None);
        var cost = PriceTable.For(pool.Name, pool.Backends[0].Model, options.Accounting).Cost(estimate) * options.Batches.PriceMultiplier;
        var admission = await budgets.AdmitAsync(caller, options.Budgets, cost, estimate.TotalTokens, cancellationToken).ConfigureAwait(false);
        try
        {
            if (admission.Blocking is { } spent) return BatchErrors.OverBudget(spent.Label, cost, admission.ResetsAt);
            foreach (var hold in admission.Holds)
            {
                var budget = hold.Budget;
                if (budget.Options.OverBudget == BudgetAction.Block && budget.Spent + budget.Reserved > budget.Options.Amount)
                    return BatchErrors.OverBudget(budget.Label, cost, BudgetCatalog.NextPeriod(budget.Options.Period, budget.PeriodStart));
            }
            return null;
        }
        finally
        {
            await budgets.SettleAsync(admission, 0, 0, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>model</c> of the file's first line (the upload check made sure every line names the same one).</summary>
    private async Task<string?> FirstModelAsync(StoredFile file, Consumer caller, CancellationToken cancellationToken)
    {
        if (await files.OpenAsync(file.Id, caller.Name, cancellationToken).ConfigureAwait(false) is not { } opened) return null;
        await using var content = opened.Content;
        var line = await ReadFirstLineAsync(content, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object ? String(body, "model") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadFirstLineAsync(Stream content, CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
            line.Write(buffer, 0, end < 0 ? read : end);
            if (end >= 0 || line.Length > Files.JsonlInspector.MaxLineBytes) break;
        }
        return line.ToArray();
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
