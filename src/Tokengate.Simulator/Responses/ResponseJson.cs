using System.Text.Json;
using Tokengate.Simulator.Protocol;

namespace Tokengate.Simulator.Responses;

/// <summary>The Responses API bodies: the response object, its items, and the stream events (reference part 2, §A.3–A.4).</summary>
internal static class ResponseJson
{
    public static void WriteResponse(Utf8JsonWriter w, StoredResponse r, ResponseView view)
    {
        var settings = r.Settings;
        w.WriteStartObject();
        w.WriteString("id"u8, r.Id);
        w.WriteString("object"u8, "response"u8);
        w.WriteNumber("created_at"u8, r.CreatedAt);
        w.WriteString("status"u8, view.Status);
        w.WriteBoolean("background"u8, r.Background);
        if (view.Status is "completed" or "incomplete")
        {
            w.WriteNumber("completed_at"u8, new DateTimeOffset(r.CompleteAt, TimeSpan.Zero).ToUnixTimeSeconds());
        }
        else
        {
            w.WriteNull("completed_at"u8);
        }

        w.WriteNull("error"u8);
        if (view.Status == "incomplete")
        {
            w.WriteStartObject("incomplete_details"u8);
            w.WriteString("reason"u8, "max_output_tokens"u8);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details"u8);
        }

        Echo(w, settings, "instructions", null);
        Echo(w, settings, "max_output_tokens", null);
        Echo(w, settings, "max_tool_calls", null);
        w.WriteString("model"u8, r.Model);
        w.WriteStartArray("output"u8);
        if (view.ItemStarted)
        {
            WriteItem(w, r, view.Pieces, ItemStatus(view));
        }

        w.WriteEndArray();
        Echo(w, settings, "parallel_tool_calls", "true");
        Echo(w, settings, "previous_response_id", null);
        Echo(w, settings, "prompt_cache_key", null);
        Echo(w, settings, "reasoning", """{"effort":null,"summary":null}""");
        Echo(w, settings, "safety_identifier", null);
        w.WriteString("service_tier"u8, r.ServiceTier);
        w.WriteBoolean("store"u8, r.Store);
        Echo(w, settings, "temperature", "1.0");
        Echo(w, settings, "text", """{"format":{"type":"text"}}""");
        Echo(w, settings, "tool_choice", "\"auto\"");
        Echo(w, settings, "tools", "[]");
        Echo(w, settings, "top_logprobs", "0");
        Echo(w, settings, "top_p", "1.0");
        Echo(w, settings, "truncation", "\"disabled\"");
        if (view.Final)
        {
            WriteUsage(w, r, view.Pieces);
        }
        else
        {
            w.WriteNull("usage"u8);
        }

        Echo(w, settings, "user", null);
        Echo(w, settings, "metadata", "{}");

        // Azure annotates Responses as it does chat: the prompt's verdict, and the completion's once there is one.
        ContentFilterJson.WriteResponsesFilters(w, completion: view.Final);
        w.WriteEndObject();
    }

    /// <summary>The one output item with its first <paramref name="pieces"/> pieces: a message, or a function call.</summary>
    public static void WriteItem(Utf8JsonWriter w, StoredResponse r, int pieces, string status)
    {
        var output = r.Output;
        w.WriteStartObject();
        w.WriteString("id"u8, r.ItemId);
        if (output.ToolCall is { } call)
        {
            w.WriteString("type"u8, "function_call"u8);
            w.WriteString("status"u8, status);
            w.WriteString("arguments"u8, output.Prefix(pieces));
            w.WriteString("call_id"u8, call.CallId);
            w.WriteString("name"u8, call.Name);
        }
        else
        {
            w.WriteString("type"u8, "message"u8);
            w.WriteString("status"u8, status);
            w.WriteStartArray("content"u8);
            if (pieces > 0 || status != "in_progress")
            {
                WritePart(w, r, pieces);
            }

            w.WriteEndArray();
            w.WriteString("role"u8, "assistant"u8);
        }

        w.WriteEndObject();
    }

    /// <summary>An output_text part with the first <paramref name="pieces"/> pieces.</summary>
    public static void WritePart(Utf8JsonWriter w, StoredResponse r, int pieces)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "output_text"u8);
        w.WriteStartArray("annotations"u8);
        w.WriteEndArray();
        LogprobsJson.WriteResponsesArray(w, "logprobs"u8, r.IncludeLogprobs ? r.Output.Logprobs : null, 0, Math.Min(pieces, r.Output.Logprobs?.Length ?? 0));
        w.WriteString("text"u8, r.Output.Prefix(pieces));
        w.WriteEndObject();
    }

    /// <summary>One stream event's JSON (the <c>data:</c> payload); its <c>type</c> is <see cref="EventType"/>.</summary>
    public static void WriteEvent(Utf8JsonWriter w, StoredResponse r, int sequence)
    {
        var e = r.Events[sequence];
        var output = r.Output;
        var call = output.ToolCall is not null;
        w.WriteStartObject();
        w.WriteString("type"u8, EventType(r, e.Kind));
        switch (e.Kind)
        {
            case ResponseEventKind.Created:
                w.WritePropertyName("response"u8);
                WriteResponse(w, r, r.Background ? ResponseView.Queued : ResponseView.Starting);
                break;
            case ResponseEventKind.Queued:
                w.WritePropertyName("response"u8);
                WriteResponse(w, r, ResponseView.Queued);
                break;
            case ResponseEventKind.InProgress:
                w.WritePropertyName("response"u8);
                WriteResponse(w, r, ResponseView.Starting);
                break;
            case ResponseEventKind.OutputItemAdded:
                w.WriteNumber("output_index"u8, 0);
                w.WritePropertyName("item"u8);
                WriteItem(w, r, 0, "in_progress");
                break;
            case ResponseEventKind.ContentPartAdded:
            case ResponseEventKind.ContentPartDone:
                WriteItemLocation(w, r, content: true);
                w.WritePropertyName("part"u8);
                WritePart(w, r, e.Kind == ResponseEventKind.ContentPartAdded ? 0 : output.PieceCount);
                break;
            case ResponseEventKind.Delta:
                WriteItemLocation(w, r, content: !call);
                w.WriteString("delta"u8, output.Piece(e.Piece));
                if (!call)
                {
                    LogprobsJson.WriteResponsesArray(w, "logprobs"u8, r.IncludeLogprobs ? output.Logprobs : null, e.Piece, 1);
                }

                break;
            case ResponseEventKind.DeltasDone:
                WriteItemLocation(w, r, content: !call);
                if (call)
                {
                    w.WriteString("arguments"u8, output.ToolCall!.Arguments);
                }
                else
                {
                    w.WriteString("text"u8, output.Text.Text);
                    LogprobsJson.WriteResponsesArray(w, "logprobs"u8, r.IncludeLogprobs ? output.Logprobs : null, 0, output.Logprobs?.Length ?? 0);
                }

                break;
            case ResponseEventKind.OutputItemDone:
                w.WriteNumber("output_index"u8, 0);
                w.WritePropertyName("item"u8);
                WriteItem(w, r, output.PieceCount, output.Truncated ? "incomplete" : "completed");
                break;
            default:
                w.WritePropertyName("response"u8);
                WriteResponse(w, r, r.FinalView);
                break;
        }

        w.WriteNumber("sequence_number"u8, sequence);
        w.WriteEndObject();
    }

    public static string EventType(StoredResponse r, ResponseEventKind kind)
    {
        var call = r.Output.ToolCall is not null;
        return kind switch
        {
            ResponseEventKind.Created => "response.created",
            ResponseEventKind.Queued => "response.queued",
            ResponseEventKind.InProgress => "response.in_progress",
            ResponseEventKind.OutputItemAdded => "response.output_item.added",
            ResponseEventKind.ContentPartAdded => "response.content_part.added",
            ResponseEventKind.Delta => call ? "response.function_call_arguments.delta" : "response.output_text.delta",
            ResponseEventKind.DeltasDone => call ? "response.function_call_arguments.done" : "response.output_text.done",
            ResponseEventKind.ContentPartDone => "response.content_part.done",
            ResponseEventKind.OutputItemDone => "response.output_item.done",
            _ => r.Output.Truncated ? "response.incomplete" : "response.completed",
        };
    }

    /// <summary><c>DELETE</c>'s answer.</summary>
    public static void WriteDeleted(Utf8JsonWriter w, string id)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "response.deleted"u8);
        w.WriteBoolean("deleted"u8, true);
        w.WriteEndObject();
    }

    private static void WriteItemLocation(Utf8JsonWriter w, StoredResponse r, bool content)
    {
        w.WriteString("item_id"u8, r.ItemId);
        w.WriteNumber("output_index"u8, 0);
        if (content)
        {
            w.WriteNumber("content_index"u8, 0);
        }
    }

    private static string ItemStatus(ResponseView view) => view.Status switch
    {
        "completed" => "completed",
        "in_progress" or "queued" => "in_progress",
        _ => "incomplete",
    };

    private static void WriteUsage(Utf8JsonWriter w, StoredResponse r, int pieces)
    {
        var output = r.OutputTokensAt(pieces);
        w.WriteStartObject("usage"u8);
        w.WriteNumber("input_tokens"u8, r.InputTokens);
        w.WriteStartObject("input_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteNumber("output_tokens"u8, output);
        w.WriteStartObject("output_tokens_details"u8);
        w.WriteNumber("reasoning_tokens"u8, 0);
        w.WriteEndObject();
        w.WriteNumber("total_tokens"u8, r.InputTokens + output);
        w.WriteEndObject();
    }

    /// <summary>The request's value when it sent one, else the service's default (raw JSON; null for a field without one).</summary>
    private static void Echo(Utf8JsonWriter w, JsonElement settings, string name, string? fallback)
    {
        w.WritePropertyName(name);
        if (settings.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.Null || fallback is null))
        {
            value.WriteTo(w);
        }
        else if (fallback is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(fallback, skipInputValidation: true);
        }
    }
}
