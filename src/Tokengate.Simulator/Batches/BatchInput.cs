using System.Text;
using System.Text.Json;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;

namespace Tokengate.Simulator.Batches;

/// <summary>
/// A batch input file checked as the service checks it, and every line answered as its deployment would answer it.
/// The checks and their codes are Azure's (how-to/batch, "Error codes"): each line a JSON object
/// (<c>invalid_json_line</c>) with a unique <c>custom_id</c> (<c>duplicate_custom_id</c>), <c>method</c> POST and a
/// <c>body</c> (<c>invalid_request</c>, the service's code for a line whose schema is wrong), the same <c>url</c> on
/// every line, one of the batch endpoints and matching the batch's (<c>url_mismatch</c>), and a <c>body.model</c>
/// naming the same deployment on every line (<c>model_mismatch</c>) that exists on this resource
/// (<c>model_not_found</c>) and is a batch deployment (<c>invalid_request</c>, "the deployment SKU is invalid"); at most
/// 100,000 lines (<c>too_many_tasks</c>), at least one (<c>empty_file</c>).
/// </summary>
internal sealed class BatchInput
{
    /// <summary>The most requests one input file may hold.</summary>
    public const int MaxLines = 100_000;

    /// <summary>What the service answers to a UTF-8 BOM (documented under "Known issues"), misleading as it is; also to a line without a model.</summary>
    public const string NoDeploymentName =
        "Validation failed: A valid model deployment name couldn't be extracted from the input file. Please ensure that each row in the input file has a valid deployment name specified in the 'model' field, and that the deployment name is consistent across all rows.";

    // The urls a line may name, as Azure lists them for batch; embeddings only with the /v1 prefix.
    private static readonly HashSet<string> LineUrls = new(StringComparer.Ordinal)
    {
        "/chat/completions", "/v1/chat/completions", "/responses", "/v1/responses", "/v1/embeddings",
    };

    private BatchInput(List<BatchLineError> errors, List<BatchLine> lines, string? model, long enqueuedTokens)
    {
        Errors = errors;
        Lines = lines;
        Model = model;
        EnqueuedTokens = enqueuedTokens;
    }

    /// <summary>Validation errors; when any, the batch fails and no line is answered.</summary>
    public IReadOnlyList<BatchLineError> Errors { get; }

    public IReadOnlyList<BatchLine> Lines { get; }

    /// <summary>The deployment every line names, once validated.</summary>
    public string? Model { get; }

    /// <summary>The input tokens of every line by the deployment's tokenizer: what the batch holds of the enqueued-token quota.</summary>
    public long EnqueuedTokens { get; }

    /// <summary>The endpoint without a leading <c>/v1</c> (<c>/chat/completions</c>, <c>/embeddings</c>, <c>/responses</c>), or null when not served.</summary>
    public static string? NormalizeEndpoint(string endpoint)
    {
        var path = endpoint.StartsWith("/v1/", StringComparison.Ordinal) ? endpoint[3..] : endpoint;
        return path is "/chat/completions" or "/embeddings" or "/responses" ? path : null;
    }

    /// <param name="content">The input file's bytes.</param>
    /// <param name="endpoint">The batch's endpoint, normalized.</param>
    /// <param name="runtime">The resource: its deployments and tokenizers.</param>
    /// <param name="answers">The live path's answer generator.</param>
    /// <param name="failLines">How many lines (the first ones) an armed fault makes fail with a 500.</param>
    public static BatchInput Analyze(byte[] content, string endpoint, SimulatorRuntime runtime, AnswerGenerator answers, int failLines)
    {
        var errors = new List<BatchLineError>();
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            errors.Add(new BatchLineError("invalid_request", NoDeploymentName, null, null));
            return new BatchInput(errors, [], null, 0);
        }

        var parsed = new List<(string CustomId, JsonElement Body)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? model = null;
        string? firstUrl = null;
        var lines = Encoding.UTF8.GetString(content).Split('\n');
        var count = lines.Count(l => l.Trim().Length > 0);
        if (count > MaxLines)
        {
            errors.Add(new BatchLineError("too_many_tasks",
                BatchText.Format($"The number of requests in the input file ({count}) exceeds the maximum allowed value of {MaxLines}."), null, null));
            return new BatchInput(errors, [], null, 0);
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                errors.Add(new BatchLineError("invalid_json_line", "This line is not parseable as valid JSON.", null, number));
                continue;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new BatchLineError("invalid_json_line", "This line is not a JSON object.", null, number));
                continue;
            }

            if (!root.TryGetProperty("custom_id", out var idElement) || idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 } customId)
            {
                errors.Add(new BatchLineError("invalid_request", "The request is missing the required parameter 'custom_id'.", "custom_id", number));
                continue;
            }

            if (!seen.Add(customId))
            {
                errors.Add(new BatchLineError("duplicate_custom_id", $"The custom ID '{customId}' for this request is a duplicate of the custom ID in another request.", "custom_id", number));
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || method.GetString() != "POST")
            {
                errors.Add(new BatchLineError("invalid_request", "The method must be 'POST'.", "method", number));
            }

            CheckUrl(root, endpoint, ref firstUrl, number, errors);

            if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new BatchLineError("invalid_request", "The request is missing the required parameter 'body'.", "body", number));
                continue;
            }

            var lineModel = body.TryGetProperty("model", out var modelElement) && modelElement.ValueKind == JsonValueKind.String ? modelElement.GetString() : null;
            if (string.IsNullOrEmpty(lineModel))
            {
                errors.Add(new BatchLineError("invalid_request", NoDeploymentName, "body.model", number));
                continue;
            }

            if (model is null)
            {
                model = lineModel;
                CheckDeployment(model, runtime, number, errors);
            }
            else if (!string.Equals(model, lineModel, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new BatchLineError("model_mismatch",
                    $"The model deployment '{lineModel}' of this request doesn't match '{model}' of the rest of the file. Please ensure that all requests in the batch point to the same model deployment in the 'model' property of the request.",
                    "body.model", number));
            }

            parsed.Add((customId, body));
        }

        if (parsed.Count == 0 && errors.Count == 0)
        {
            errors.Add(new BatchLineError("empty_file", "The input file is empty. Please ensure that the batch contains at least one request.", null, null));
        }

        if (errors.Count > 0)
        {
            return new BatchInput(errors, [], null, 0);
        }

        var deployment = runtime.Deployments.Get(model!);
        var tokenizer = runtime.Tokenizers.Get(deployment.Snapshot.Model.Encoding);
        var answered = new List<BatchLine>(parsed.Count);
        long enqueued = 0;
        for (var i = 0; i < parsed.Count; i++)
        {
            var (customId, body) = parsed[i];
            enqueued += BatchLineAnswers.EstimateInput(body, endpoint, tokenizer);
            answered.Add(i < failLines
                ? BatchLineAnswers.ServerError(customId)
                : BatchLineAnswers.Answer(customId, body, endpoint, deployment, runtime, answers));
        }

        return new BatchInput(errors, answered, model, enqueued);
    }

    private static void CheckUrl(JsonElement root, string endpoint, ref string? firstUrl, int number, List<BatchLineError> errors)
    {
        var url = root.TryGetProperty("url", out var urlElement) && urlElement.ValueKind == JsonValueKind.String ? urlElement.GetString()! : null;
        firstUrl ??= url;
        if (url is null || !LineUrls.Contains(url) || NormalizeEndpoint(url) != endpoint || url != firstUrl)
        {
            errors.Add(new BatchLineError("url_mismatch",
                $"The url '{url}' of this request doesn't match the rest of the rows or the batch's endpoint '{endpoint}'. Please ensure all request URLs are the same and match the endpoint.",
                "url", number));
        }
    }

    private static void CheckDeployment(string model, SimulatorRuntime runtime, int number, List<BatchLineError> errors)
    {
        if (!runtime.Deployments.TryGet(model, out var deployment))
        {
            errors.Add(new BatchLineError("model_not_found",
                $"The model deployment '{model}' specified in the 'model' property of the input file wasn't found. Please ensure this name points to a valid model deployment.",
                "body.model", number));
        }
        else if (!deployment.Snapshot.IsBatch)
        {
            errors.Add(new BatchLineError("invalid_request",
                $"The deployment SKU of '{model}' is invalid for batch: the deployment SKU must be 'globalbatch' (or 'datazonebatch') for batch API requests.",
                "body.model", number));
        }
    }
}
