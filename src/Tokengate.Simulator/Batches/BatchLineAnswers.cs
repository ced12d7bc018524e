using System.Text;
using System.Text.Json;
using Tokengate.Simulator.Deployments;
using Tokengate.Simulator.Files;
using Tokengate.Simulator.Generation;
using Tokengate.Simulator.Hosting;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;
using Tokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Tokengate.Simulator.Batches;

/// <summary>
/// One batch line answered as its deployment's model would answer the same body live: a chat completion written by the
/// live path's generator and writer (with its 400s for a bad body), a Responses object, or an embeddings list, each
/// with its <c>usage</c>.
/// </summary>
internal static class BatchLineAnswers
{
    // Spreads the seeds of several choices for one prompt, as the live path does.
    private const ulong ChoiceSeedStep = 0x9E3779B97F4A7C15UL;

    /// <summary>The line's input tokens by the model's tokenizer: what the batch enqueues against the quota.</summary>
    public static long EstimateInput(JsonElement body, string endpoint, Tokenizer tokenizer)
    {
        var hash = Fnv1a.Offset;
        long tokens = 0;
        switch (endpoint)
        {
            case "/chat/completions" when body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array:
                tokens = PromptTokenCounter.CountMessages(messages, tokenizer, ref hash) + PromptTokenCounter.CountTools(body, tokenizer, ref hash, chatShape: true);
                break;
            case "/responses" when body.TryGetProperty("input", out var input):
                tokens = input.ValueKind == JsonValueKind.String ? PromptTokenCounter.CountString(input, tokenizer, ref hash)
                    : input.ValueKind == JsonValueKind.Array ? PromptTokenCounter.CountMessages(input, tokenizer, ref hash)
                    : 0;
                if (body.TryGetProperty("instructions", out var instructions) && instructions.ValueKind == JsonValueKind.String)
                {
                    tokens += PromptTokenCounter.CountString(instructions, tokenizer, ref hash);
                }

                break;
            case "/embeddings" when body.TryGetProperty("input", out var input):
                tokens = EmbeddingTexts(input).Sum(t => (long)(t.Length == 0 ? 0 : tokenizer.CountTokens(t)));
                break;
            default:
                // A body the model could not read still takes room in the queue: about four bytes a token.
                tokens = Encoding.UTF8.GetByteCount(body.GetRawText()) / 4;
                break;
        }

        return tokens;
    }

    public static BatchLine Answer(string customId, JsonElement body, string endpoint, DeploymentState deployment, SimulatorRuntime runtime, AnswerGenerator answers)
    {
        var snapshot = deployment.Snapshot;
        var info = snapshot.Model;
        var wanted = endpoint == "/embeddings" ? ModelKind.Embeddings : ModelKind.Chat;
        if (info.Kind != wanted)
        {
            var operation = endpoint switch
            {
                "/embeddings" => SimulatedOperation.Embeddings,
                "/responses" => SimulatedOperation.Responses,
                _ => SimulatedOperation.ChatCompletions,
            };
            return new BatchLine(customId, 400, Write(w =>
            {
                w.WriteStartObject("error");
                w.WriteString("code", "OperationNotSupported");
                w.WriteString("message", AzureErrors.OperationNotSupported(operation.NotSupportedName, deployment.Name));
                w.WriteEndObject();
            }), 0, 0);
        }

        var tokenizer = runtime.Tokenizers.Get(info.Encoding);
        var created = ResourceJson.UnixSeconds(runtime.NowTicks);
        return endpoint switch
        {
            "/embeddings" => Embeddings(customId, body, snapshot.Options.Model, info, tokenizer),
            "/responses" => Responses(customId, body, snapshot.Options.Model, info, runtime, tokenizer, created),
            _ => Chat(customId, body, snapshot, tokenizer, answers, created),
        };
    }

    /// <summary>An answered line that failed on the service's side (an armed fault): 500 with the service's text.</summary>
    public static BatchLine ServerError(string customId) =>
        new(customId, 500, ErrorBody("The server had an error while processing your request. Sorry about that!", "server_error", null), 0, 0);

    private static BatchLine Chat(string customId, JsonElement body, DeploymentSnapshot deployment, Tokenizer tokenizer, AnswerGenerator answers, long created)
    {
        if (CompletionRequest.Parse(body, chat: true, out var error) is not { } request)
        {
            return new BatchLine(customId, 400, ErrorBody(error.Message, "invalid_request_error", error.Code, error.Param), 0, 0);
        }

        if (CompletionsResponder.OutputLimitError(request, deployment.Model.MaxOutputTokens) is { } outputError)
        {
            return new BatchLine(customId, 400, ErrorBody(outputError, "invalid_request_error", "invalid_value", request.MaxTokensParam), 0, 0);
        }

        var hash = Fnv1a.Offset;
        var prompt = PromptTokenCounter.CountMessages(request.Messages, tokenizer, ref hash)
            + PromptTokenCounter.CountTools(body, tokenizer, ref hash, chatShape: true);
        if (CompletionsResponder.ContextLengthError(true, prompt, request.MaxTokens, deployment.Options.ContextWindow) is { } contextError)
        {
            return new BatchLine(customId, 400, ErrorBody(contextError, "invalid_request_error", "context_length_exceeded", "messages"), 0, 0);
        }

        var spec = new AnswerSpec(request.MaxTokens, request.Stop, request.Tools.Forced, request.Format, request.LogprobEntries);
        var choices = new GeneratedChoice[request.N];
        var completion = 0;
        for (var i = 0; i < request.N; i++)
        {
            choices[i] = answers.Generate(deployment.Model.Encoding, hash + ((ulong)i * ChoiceSeedStep), spec);
            completion += choices[i].TokenCount;
        }

        var result = new CompletionResult(true, "chatcmpl-" + Guid.NewGuid().ToString("N"), created, deployment.Options.Model,
            deployment.Model.Fingerprint, 1, choices, prompt, completion);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            CompletionJson.WriteResponse(w, result);
        }

        return new BatchLine(customId, 200, Encoding.UTF8.GetString(stream.ToArray()), prompt, completion);
    }

    private static BatchLine Responses(string customId, JsonElement body, string model, ModelInfo info, SimulatorRuntime runtime, Tokenizer tokenizer, long created)
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

    private static BatchLine Embeddings(string customId, JsonElement body, string model, ModelInfo info, Tokenizer tokenizer)
    {
        if (!body.TryGetProperty("input", out var input) || input.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            return Missing(customId, "input");
        }

        var texts = EmbeddingTexts(input);
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

    private static List<string> EmbeddingTexts(JsonElement input) => input.ValueKind switch
    {
        JsonValueKind.String => [input.GetString()!],
        JsonValueKind.Array => [.. input.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText())],
        _ => [],
    };

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
}
