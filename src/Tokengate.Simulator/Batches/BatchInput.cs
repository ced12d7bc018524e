using System.Globalization;
using System.Text;
using System.Text.Json;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Batches;

/// <summary>One entry of a batch's <c>errors.data</c>: why validation failed, with the 1-based line when it is about one.</summary>
internal sealed record BatchLineError(string Code, string Message, string? Param, int? Line);

/// <summary>One request of the input and the answer it gets: a status, the body as JSON text and its tokens.</summary>
internal sealed record BatchLine(string CustomId, int StatusCode, string Body, int InputTokens, int OutputTokens)
{
    public bool Succeeded => StatusCode == 200;
}

/// <summary>
/// A batch input file checked as the service checks it (each line a JSON object with a unique <c>custom_id</c>,
/// <c>method</c> POST, a <c>url</c> of the batch's endpoint and a <c>body.model</c> naming the same deployment of this
/// resource on every line), and every line answered as that deployment would answer it.
/// </summary>
internal sealed class BatchInput
{
    private BatchInput(List<BatchLineError> errors, List<BatchLine> lines, string? model)
    {
        Errors = errors;
        Lines = lines;
        Model = model;
    }

    /// <summary>Validation errors; when any, the batch fails and no line is answered.</summary>
    public IReadOnlyList<BatchLineError> Errors { get; }

    public IReadOnlyList<BatchLine> Lines { get; }

    /// <summary>The deployment every line names, once validated.</summary>
    public string? Model { get; }

    /// <summary>The endpoint without a leading <c>/v1</c> (<c>/chat/completions</c>, <c>/embeddings</c>, <c>/responses</c>), or null when not served.</summary>
    public static string? NormalizeEndpoint(string endpoint)
    {
        var path = endpoint.StartsWith("/v1/", StringComparison.Ordinal) ? endpoint[3..] : endpoint;
        return path is "/chat/completions" or "/embeddings" or "/responses" ? path : null;
    }

    /// <param name="content">The input file's bytes.</param>
    /// <param name="endpoint">The batch's endpoint, normalized.</param>
    /// <param name="runtime">The resource: its deployments and tokenizers.</param>
    /// <param name="failLines">How many lines (the first ones) an armed fault makes fail with a 500.</param>
    public static BatchInput Analyze(byte[] content, string endpoint, SimulatorRuntime runtime, int failLines)
    {
        var errors = new List<BatchLineError>();
        var parsed = new List<(int Line, string CustomId, JsonElement Body)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? model = null;
        var text = Encoding.UTF8.GetString(content);
        if (content.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            // What the service answers to a BOM, misleading as it is.
            errors.Add(new BatchLineError("invalid_request", "Could not extract deployment name from the input file.", null, 1));
            return new BatchInput(errors, [], null);
        }

        var lines = text.Split('\n');
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
                errors.Add(new BatchLineError("missing_required_parameter", "The request is missing the required parameter 'custom_id'.", "custom_id", number));
                continue;
            }

            if (!seen.Add(customId))
            {
                errors.Add(new BatchLineError("duplicate_custom_id", $"The custom_id '{customId}' appears more than once; custom_id must be unique within a batch.", "custom_id", number));
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || method.GetString() != "POST")
            {
                errors.Add(new BatchLineError("invalid_method", "The method must be 'POST'.", "method", number));
            }

            var url = root.TryGetProperty("url", out var urlElement) && urlElement.ValueKind == JsonValueKind.String ? urlElement.GetString()! : null;
            if (url is null || NormalizeEndpoint(url) != endpoint)
            {
                errors.Add(new BatchLineError("invalid_url", $"The url '{url}' does not match the batch's endpoint '{endpoint}'.", "url", number));
            }

            if (!root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new BatchLineError("missing_required_parameter", "The request is missing the required parameter 'body'.", "body", number));
                continue;
            }

            var lineModel = body.TryGetProperty("model", out var modelElement) && modelElement.ValueKind == JsonValueKind.String ? modelElement.GetString() : null;
            if (string.IsNullOrEmpty(lineModel))
            {
                errors.Add(new BatchLineError("missing_required_parameter", "The request body is missing the required parameter 'model'.", "body.model", number));
                continue;
            }

            if (model is null)
            {
                model = lineModel;
                if (!runtime.Deployments.TryGet(model, out _))
                {
                    errors.Add(new BatchLineError("model_not_found", $"The provided model deployment '{model}' does not exist on this resource.", "body.model", number));
                }
            }
            else if (!string.Equals(model, lineModel, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new BatchLineError("mismatched_model", $"The model deployment '{lineModel}' differs from '{model}' on an earlier line; every line of a batch must use the same deployment.", "body.model", number));
            }

            parsed.Add((number, customId, body));
        }

        if (parsed.Count == 0 && errors.Count == 0)
        {
            errors.Add(new BatchLineError("empty_file", "The input file holds no requests.", null, null));
        }

        if (errors.Count > 0)
        {
            return new BatchInput(errors, [], null);
        }

        var snapshot = runtime.Deployments.Get(model!).Snapshot;
        var answered = new List<BatchLine>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            var (_, customId, body) = parsed[i];
            answered.Add(i < failLines
                ? new BatchLine(customId, 500, ErrorBody("The server had an error while processing your request. Sorry about that!", "server_error", null), 0, 0)
                : Answer(customId, body, endpoint, snapshot, runtime));
        }

        return new BatchInput(errors, answered, model);
    }

    private static BatchLine Answer(string customId, JsonElement body, string endpoint, DeploymentSnapshot deployment, SimulatorRuntime runtime)
    {
        var info = deployment.Model;
        var wanted = endpoint == "/embeddings" ? ModelKind.Embeddings : ModelKind.Chat;
        if (info.Kind != wanted)
        {
            return new BatchLine(customId, 400, ErrorBody($"The {endpoint} operation does not work with the specified model, {deployment.Options.Model}. Please choose different model and try again.", "invalid_request_error", "OperationNotSupported"), 0, 0);
        }

        var tokenizer = runtime.Tokenizers.Get(info.Encoding);
        var created = ResourceJson.UnixSeconds(runtime.NowTicks);
        var modelName = deployment.Options.Model;
        return endpoint switch
        {
            "/embeddings" => Embeddings(customId, body, modelName, info, tokenizer),
            "/responses" => Responses(customId, body, modelName, info, runtime, tokenizer, created),
            _ => Chat(customId, body, modelName, info, runtime, tokenizer, created),
        };
    }

    private static BatchLine Chat(string customId, JsonElement body, string model, ModelInfo info, SimulatorRuntime runtime, Microsoft.ML.Tokenizers.Tokenizer tokenizer, long created)
    {
        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return Missing(customId, "messages");
        }

        var hash = Fnv1a.Offset;
        var prompt = PromptTokenCounter.CountMessages(messages, tokenizer, ref hash);
        var answer = runtime.Tokenizers.Generator(info.Encoding).Generate(hash, MaxTokens(body, "max_completion_tokens") ?? MaxTokens(body, "max_tokens"), null);
        var json = Write(w =>
        {
            w.WriteString("id", "chatcmpl-" + Guid.NewGuid().ToString("N")[..29]);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            w.WriteString("content", answer.Text);
            w.WriteNull("refusal");
            w.WriteEndObject();
            w.WriteString("finish_reason", answer.FinishReason);
            w.WriteNull("logprobs");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("system_fingerprint", info.Fingerprint);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", prompt);
            w.WriteNumber("completion_tokens", answer.TokenCount);
            w.WriteNumber("total_tokens", prompt + answer.TokenCount);
            w.WriteEndObject();
        });
        return new BatchLine(customId, 200, json, prompt, answer.TokenCount);
    }

    private static BatchLine Responses(string customId, JsonElement body, string model, ModelInfo info, SimulatorRuntime runtime, Microsoft.ML.Tokenizers.Tokenizer tokenizer, long created)
    {
        if (!body.TryGetProperty("input", out var input) || input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return Missing(customId, "input");
        }

        var hash = Fnv1a.Offset;
        var prompt = input.ValueKind == JsonValueKind.String
            ? PromptTokenCounter.CountString(input, tokenizer, ref hash)
            : PromptTokenCounter.CountMessages(input, tokenizer, ref hash);
        if (body.TryGetProperty("instructions", out var instructions) && instructions.ValueKind == JsonValueKind.String)
        {
            prompt += PromptTokenCounter.CountString(instructions, tokenizer, ref hash);
        }

        var answer = runtime.Tokenizers.Generator(info.Encoding).Generate(hash, MaxTokens(body, "max_output_tokens"), null);
        var json = Write(w =>
        {
            w.WriteString("id", "resp_" + Guid.NewGuid().ToString("N"));
            w.WriteString("object", "response");
            w.WriteNumber("created_at", created);
            w.WriteString("status", answer.FinishReason == "length" ? "incomplete" : "completed");
            w.WriteString("model", model);
            w.WriteStartArray("output");
            w.WriteStartObject();
            w.WriteString("type", "message");
            w.WriteString("id", "msg_" + Guid.NewGuid().ToString("N"));
            w.WriteString("status", "completed");
            w.WriteString("role", "assistant");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "output_text");
            w.WriteString("text", answer.Text);
            w.WriteStartArray("annotations");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", prompt);
            w.WriteStartObject("input_tokens_details");
            w.WriteNumber("cached_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("output_tokens", answer.TokenCount);
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("reasoning_tokens", 0);
            w.WriteEndObject();
            w.WriteNumber("total_tokens", prompt + answer.TokenCount);
            w.WriteEndObject();
        });
        return new BatchLine(customId, 200, json, prompt, answer.TokenCount);
    }

    private static BatchLine Embeddings(string customId, JsonElement body, string model, ModelInfo info, Microsoft.ML.Tokenizers.Tokenizer tokenizer)
    {
        if (!body.TryGetProperty("input", out var input) || input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return Missing(customId, "input");
        }

        var texts = input.ValueKind == JsonValueKind.String
            ? [input.GetString()!]
            : input.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText()).ToList();
        var prompt = texts.Sum(t => t.Length == 0 ? 0 : tokenizer.CountTokens(t));
        var vector = new float[info.DefaultDimensions];
        var json = Write(w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (var i = 0; i < texts.Count; i++)
            {
                EmbeddingsResponder.FillUnitVector(Fnv1a.Append(Fnv1a.Offset, texts[i]), vector);
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                w.WriteStartArray("embedding");
                foreach (var value in vector)
                {
                    w.WriteNumberValue(value);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("model", model);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", prompt);
            w.WriteNumber("total_tokens", prompt);
            w.WriteEndObject();
        });
        return new BatchLine(customId, 200, json, prompt, 0);
    }

    private static int? MaxTokens(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) ? max : null;

    private static BatchLine Missing(string customId, string param) =>
        new(customId, 400, ErrorBody($"Missing required parameter: '{param}'.", "invalid_request_error", "missing_required_parameter", param), 0, 0);

    private static string ErrorBody(string message, string type, string? code, string? param = null) => Write(w =>
    {
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        ResourceJson.WriteNullableString(w, "param", param);
        ResourceJson.WriteNullableString(w, "code", code);
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
