using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Batches;

/// <summary>
/// <c>/openai/batches</c>: create, list, retrieve and cancel. A batch reads an input file of this resource only and
/// writes its output and error files here; its timeline runs on the simulator's clock (see
/// <see cref="SimulatedBatchOptions"/>).
/// </summary>
internal sealed class BatchesHandler(SimulatorRuntime runtime, FileService files, AnswerGenerator answers)
{
    public const string OutputPurpose = "batch_output";
    private const string BatchPurpose = "batch";
    private const int DefaultListLimit = 20;
    private const int MaxListLimit = 100;
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public async Task CreateAsync(HttpContext context)
    {
        if (await JsonBody.ReadObjectAsync(context) is not { } document)
        {
            return;
        }

        BatchJob batch;
        using (document)
        {
            var (spec, error) = ReadSpec(document.RootElement);
            if (spec is null)
            {
                await ResourceJson.WriteErrorAsync(context, error);
                return;
            }

            batch = runtime.Batches.Add(spec.Input.Model, runtime.NowTicks,
                enqueued => new BatchJob(FileIds.New("batch_"), spec, runtime.NowTicks, runtime.Time, WriteFiles, QuotaError(spec.Input, enqueued)));
        }

        await ResourceJson.WriteCreatedAsync(context, "batches", batch.Id, Write(batch));
    }

    public async Task ListAsync(HttpContext context)
    {
        if (ListQuery.Read(context.Request, DefaultListLimit, MaxListLimit, defaultAscending: false, out var error) is not { } query)
        {
            await ResourceJson.WriteErrorAsync(context, error);
            return;
        }

        var (page, hasMore) = query.Apply(runtime.Batches.List(), b => b.Id);
        var now = runtime.NowTicks;
        await ResourceJson.WriteOkAsync(context, w => BatchJson.WriteList(w, page, hasMore, now));
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await FindAsync(context) is { } batch)
        {
            await ResourceJson.WriteOkAsync(context, Write(batch));
        }
    }

    public async Task CancelAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { } batch)
        {
            return;
        }

        if (!batch.TryCancel(runtime.NowTicks, out var status))
        {
            await ResourceJson.WriteErrorAsync(context, ($"Cannot cancel a batch with status '{BatchJson.StatusName(status)}'.", null, "invalid_state"));
            return;
        }

        await ResourceJson.WriteOkAsync(context, Write(batch));
    }

    private Action<Utf8JsonWriter> Write(BatchJob batch)
    {
        var now = runtime.NowTicks;
        return w => batch.Observe(now, b =>
        {
            BatchJson.WriteBatch(w, b, now);
            return 0;
        });
    }

    private async Task<BatchJob?> FindAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? string.Empty;
        if (runtime.Batches.TryGet(id, out var batch))
        {
            return batch;
        }

        await AzureErrors.WriteModelErrorAsync(context, StatusCodes.Status404NotFound, $"No batch found with id '{id}'.", "invalid_request_error", "batch_id", null);
        return null;
    }

    /// <summary>
    /// The service's refusal when the batch's input tokens would take its deployment past the enqueued-token quota
    /// (Azure creates the batch and fails it with <c>token_limit_exceeded</c>); null when it fits.
    /// </summary>
    private BatchLineError? QuotaError(BatchInput input, long enqueued)
    {
        if (input.Model is not { } model || !runtime.Deployments.TryGet(model, out var deployment))
        {
            return null;
        }

        var quota = deployment.Snapshot.Options.EnqueuedTokenQuota;
        return enqueued + input.EnqueuedTokens > quota
            ? new BatchLineError("token_limit_exceeded", BatchText.TokenLimitExceeded(quota, model), null, null)
            : null;
    }

    /// <summary>Resolves the create body into a batch spec, or the 400 the service answers.</summary>
    private (BatchSpec? Spec, (string Message, string? Param, string? Code) Error) ReadSpec(JsonElement root)
    {
        if (!TryReadString(root, "input_file_id", out var fileId, out var error)
            || !TryReadString(root, "endpoint", out var endpoint, out error)
            || !TryReadString(root, "completion_window", out var window, out error))
        {
            return (null, error);
        }

        if (BatchInput.NormalizeEndpoint(endpoint!) is not { } normalized)
        {
            return (null, RequestErrors.InvalidValue("endpoint",
                $"Invalid value: '{endpoint}'. Supported values are: '/chat/completions', '/embeddings' and '/responses' (with or without a leading '/v1')."));
        }

        if (window != "24h")
        {
            return (null, RequestErrors.InvalidValue("completion_window", $"Invalid value: '{window}'. Supported values are: '24h'."));
        }

        JsonElement? metadata = null;
        if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
        {
            if (meta.ValueKind != JsonValueKind.Object)
            {
                return (null, RequestErrors.InvalidType("metadata", "an object", meta));
            }

            metadata = meta.Clone();
        }

        if (!runtime.Files.TryGet(fileId!, runtime.NowTicks, out var file))
        {
            return (null, ($"Invalid input_file_id: {fileId}. The file does not exist on this resource.", "input_file_id", "invalid_input_file"));
        }

        if (file.Purpose != BatchPurpose)
        {
            return (null, ($"File {fileId} has purpose '{file.Purpose}'; a batch needs a file with purpose 'batch'.", "input_file_id", "invalid_file_purpose"));
        }

        var options = runtime.Options.Batches;
        var input = BatchInput.Analyze(file.Content, normalized, runtime, answers, runtime.ResourceFaults.TakeBatchLineFailures());
        return (new BatchSpec(endpoint!, fileId!, window!, metadata, input,
            TimeSpan.FromMilliseconds(options.ValidatingMs),
            TimeSpan.FromMilliseconds(options.InProgressMs),
            TimeSpan.FromMilliseconds(options.FinalizingMs),
            Window), default);
    }

    /// <summary>The output file (answered lines) and the error file (failed lines), each only when it has a line.</summary>
    private (string? Output, string? Error) WriteFiles(BatchJob batch, IReadOnlyList<BatchLine> lines)
    {
        string? Create(string kind, IEnumerable<BatchLine> selected)
        {
            var text = new StringBuilder();
            foreach (var line in selected)
            {
                text.Append("{\"id\":\"batch_req_").Append(Guid.NewGuid().ToString("N"))
                    .Append("\",\"custom_id\":").Append(JsonSerializer.Serialize(line.CustomId))
                    .Append(",\"response\":{\"status_code\":").Append(line.StatusCode)
                    .Append(",\"request_id\":\"").Append(Guid.NewGuid().ToString("D"))
                    .Append("\",\"body\":").Append(line.Body).Append("},\"error\":null}\n");
            }

            return text.Length == 0 ? null : files.Create($"{batch.Id}_{kind}.jsonl", OutputPurpose, Encoding.UTF8.GetBytes(text.ToString()), null).Id;
        }

        return (Create("output", lines.Where(l => l.Succeeded)), Create("error", lines.Where(l => !l.Succeeded)));
    }

    private static bool TryReadString(JsonElement root, string name, out string? value, out (string Message, string? Param, string? Code) error)
    {
        value = null;
        error = default;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = RequestErrors.Missing(name);
            return false;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = RequestErrors.InvalidType(name, "a string", element);
            return false;
        }

        value = element.GetString();
        if (string.IsNullOrEmpty(value))
        {
            error = RequestErrors.Missing(name);
            return false;
        }

        return true;
    }
}
