using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>The Azure chat and legacy completion bodies and stream chunks (protocol reference §3.2, §4.2).</summary>
internal static class CompletionJson
{
    public static void WriteResponse(Utf8JsonWriter w, CompletionResult r)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, r.Id);
        w.WriteString("object"u8, r.Chat ? "chat.completion"u8 : "text_completion"u8);
        w.WriteNumber("created"u8, r.Created);
        w.WriteString("model"u8, r.Model);
        if (r.Chat)
        {
            w.WriteString("system_fingerprint"u8, r.Fingerprint);
            if (r.ServiceTier is { } tier)
            {
                w.WriteString("service_tier"u8, tier);
            }
        }

        ContentFilterJson.WritePromptFilterResults(w, r.PromptCount, r.JailbreakDetected);
        w.WriteStartArray("choices"u8);
        for (var i = 0; i < r.Choices.Length; i++)
        {
            var choice = r.Choices[i];
            w.WriteStartObject();
            if (!r.Chat)
            {
                w.WriteString("text"u8, choice.Text.Text);
            }

            w.WriteNumber("index"u8, i);
            w.WriteString("finish_reason"u8, choice.FinishReason);
            WriteLogprobs(w, r, choice, 0, choice.Logprobs?.Length ?? 0, 0);
            if (r.Chat)
            {
                w.WriteStartObject("message"u8);
                w.WriteString("role"u8, "assistant"u8);
                if (choice.ToolCall is { } call)
                {
                    // A function call answers with no content, only the call (reference §3.2).
                    w.WriteNull("content"u8);
                    w.WriteNull("refusal"u8);
                    w.WriteStartArray("tool_calls"u8);
                    w.WriteStartObject();
                    w.WriteString("id"u8, call.CallId);
                    w.WriteString("type"u8, "function"u8);
                    w.WriteStartObject("function"u8);
                    w.WriteString("name"u8, call.Name);
                    w.WriteString("arguments"u8, call.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    w.WriteEndArray();
                }
                else
                {
                    w.WriteString("content"u8, choice.Text.Text);
                    w.WriteNull("refusal"u8);
                }

                w.WriteEndObject();
            }

            ContentFilterJson.WriteChoiceResults(w, protectedMaterial: true);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteUsage(w, r);
        w.WriteEndObject();
    }

    /// <summary>Azure's first stream event: prompt annotations only, with empty id/object/model and no choices.</summary>
    public static void WritePromptFilterChunk(Utf8JsonWriter w, CompletionResult r)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, ""u8);
        w.WriteString("object"u8, ""u8);
        w.WriteNumber("created"u8, 0);
        w.WriteString("model"u8, ""u8);
        ContentFilterJson.WritePromptFilterResults(w, r.PromptCount, r.JailbreakDetected);
        w.WriteStartArray("choices"u8);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteRoleChunk(Utf8JsonWriter w, CompletionResult r, int index, bool includeUsage)
    {
        StartChunk(w, r);
        w.WriteStartObject();
        w.WriteNumber("index"u8, index);
        w.WriteStartObject("delta"u8);
        w.WriteString("role"u8, "assistant"u8);
        if (r.Choices[index].ToolCall is { } call)
        {
            // The first fragment of a call carries its index, id, type and name, with empty arguments (§4.2 rule 7).
            w.WriteNull("content"u8);
            w.WriteStartArray("tool_calls"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, 0);
            w.WriteString("id"u8, call.CallId);
            w.WriteString("type"u8, "function"u8);
            w.WriteStartObject("function"u8);
            w.WriteString("name"u8, call.Name);
            w.WriteString("arguments"u8, ""u8);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content"u8, ""u8);
        }

        w.WriteNull("refusal"u8);
        w.WriteEndObject();
        w.WriteNull("finish_reason"u8);
        w.WriteNull("logprobs"u8);
        ContentFilterJson.WriteEmptyResults(w);
        w.WriteEndObject();
        EndChunk(w, includeUsage);
    }

    /// <summary>Streamed piece <paramref name="step"/> of choice <paramref name="index"/>: text, or a fragment of call arguments.</summary>
    public static void WriteContentChunk(Utf8JsonWriter w, CompletionResult r, int index, int step, bool includeUsage)
    {
        var choice = r.Choices[index];
        var piece = choice.Piece(step);
        StartChunk(w, r);
        w.WriteStartObject();
        if (choice.ToolCall is not null)
        {
            w.WriteNumber("index"u8, index);
            w.WriteStartObject("delta"u8);
            w.WriteStartArray("tool_calls"u8);
            w.WriteStartObject();
            w.WriteNumber("index"u8, 0);
            w.WriteStartObject("function"u8);
            w.WriteString("arguments"u8, piece);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("finish_reason"u8);
            w.WriteNull("logprobs"u8);
            ContentFilterJson.WriteEmptyResults(w);
            w.WriteEndObject();
            EndChunk(w, includeUsage);
            return;
        }

        if (r.Chat)
        {
            w.WriteNumber("index"u8, index);
            w.WriteStartObject("delta"u8);
            w.WriteString("content"u8, piece);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text"u8, piece);
            w.WriteNumber("index"u8, index);
        }

        w.WriteNull("finish_reason"u8);
        WriteLogprobs(w, r, choice, step, 1, choice.Text.Ends[step] - piece.Length);
        ContentFilterJson.WriteChoiceResults(w, protectedMaterial: false);
        w.WriteEndObject();
        EndChunk(w, includeUsage);
    }

    public static void WriteFinishChunk(Utf8JsonWriter w, CompletionResult r, int index, bool includeUsage)
    {
        StartChunk(w, r);
        w.WriteStartObject();
        if (r.Chat)
        {
            w.WriteNumber("index"u8, index);
            w.WriteStartObject("delta"u8);
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("text"u8, ""u8);
            w.WriteNumber("index"u8, index);
        }

        w.WriteString("finish_reason"u8, r.Choices[index].FinishReason);
        w.WriteNull("logprobs"u8);
        ContentFilterJson.WriteEmptyResults(w);
        w.WriteEndObject();
        EndChunk(w, includeUsage);
    }

    public static void WriteUsageChunk(Utf8JsonWriter w, CompletionResult r)
    {
        WriteChunkHeader(w, r);
        w.WriteStartArray("choices"u8);
        w.WriteEndArray();
        WriteUsage(w, r);
        w.WriteEndObject();
    }

    private static void WriteLogprobs(Utf8JsonWriter w, CompletionResult r, GeneratedChoice choice, int start, int count, int textOffset)
    {
        if (choice.Logprobs is not { } entries)
        {
            w.WriteNull("logprobs"u8);
        }
        else if (r.Chat)
        {
            LogprobsJson.WriteChat(w, entries, start, count);
        }
        else
        {
            LogprobsJson.WriteLegacy(w, entries, start, count, textOffset);
        }
    }

    private static void StartChunk(Utf8JsonWriter w, CompletionResult r)
    {
        WriteChunkHeader(w, r);
        w.WriteStartArray("choices"u8);
    }

    private static void EndChunk(Utf8JsonWriter w, bool includeUsage)
    {
        w.WriteEndArray();

        // Only when the client asked for usage do the earlier chunks carry an explicit null.
        if (includeUsage)
        {
            w.WriteNull("usage"u8);
        }

        w.WriteEndObject();
    }

    private static void WriteChunkHeader(Utf8JsonWriter w, CompletionResult r)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, r.Id);
        w.WriteString("object"u8, r.Chat ? "chat.completion.chunk"u8 : "text_completion"u8);
        w.WriteNumber("created"u8, r.Created);
        w.WriteString("model"u8, r.Model);
        if (r.Chat)
        {
            w.WriteString("system_fingerprint"u8, r.Fingerprint);
            if (r.ServiceTier is { } tier)
            {
                w.WriteString("service_tier"u8, tier);
            }
        }
    }

    private static void WriteUsage(Utf8JsonWriter w, CompletionResult r)
    {
        w.WriteStartObject("usage"u8);
        w.WriteNumber("prompt_tokens"u8, r.PromptTokens);
        w.WriteNumber("completion_tokens"u8, r.CompletionTokens);
        w.WriteNumber("total_tokens"u8, r.PromptTokens + r.CompletionTokens);
        if (r.Chat)
        {
            w.WriteStartObject("prompt_tokens_details"u8);
            w.WriteNumber("cached_tokens"u8, 0);
            w.WriteNumber("audio_tokens"u8, 0);
            w.WriteEndObject();
            w.WriteStartObject("completion_tokens_details"u8);
            w.WriteNumber("reasoning_tokens"u8, 0);
            w.WriteNumber("audio_tokens"u8, 0);
            w.WriteNumber("accepted_prediction_tokens"u8, 0);
            w.WriteNumber("rejected_prediction_tokens"u8, 0);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
