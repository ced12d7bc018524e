using System.Text.Json;

namespace Tokengate.Batches;

/// <summary>A batch in the Batch API's shape (<c>object: "batch"</c>), times in Unix seconds.</summary>
internal static class BatchJson
{
    public static void Write(Utf8JsonWriter json, BatchRecord batch)
    {
        json.WriteStartObject();
        json.WriteString("id", batch.Id);
        json.WriteString("object", "batch");
        json.WriteString("endpoint", batch.Endpoint);
        json.WriteString("model", batch.Pool);
        if (batch.Errors is { } errors)
        {
            json.WritePropertyName("errors");
            json.WriteRawValue(errors, skipInputValidation: true);
        }
        else
        {
            json.WriteNull("errors");
        }
        json.WriteString("input_file_id", batch.InputFileId);
        json.WriteString("completion_window", batch.CompletionWindow);
        json.WriteString("status", batch.Status);
        Nullable(json, "output_file_id", batch.OutputFileId);
        Nullable(json, "error_file_id", batch.ErrorFileId);
        json.WriteNumber("created_at", batch.CreatedAt.ToUnixTimeSeconds());
        Time(json, "in_progress_at", batch.InProgressAt);
        json.WriteNumber("expires_at", batch.ExpiresAt.ToUnixTimeSeconds());
        Time(json, "finalizing_at", batch.FinalizingAt);
        Time(json, "completed_at", batch.CompletedAt);
        Time(json, "failed_at", batch.FailedAt);
        Time(json, "expired_at", batch.ExpiredAt);
        Time(json, "cancelling_at", batch.CancellingAt);
        Time(json, "cancelled_at", batch.CancelledAt);
        json.WriteStartObject("request_counts");
        json.WriteNumber("total", batch.Total);
        json.WriteNumber("completed", batch.Completed);
        json.WriteNumber("failed", batch.Failed);
        json.WriteEndObject();
        if (BatchStatus.IsTerminal(batch.Status) && batch.Status != BatchStatus.Failed)
        {
            json.WriteStartObject("usage");
            json.WriteNumber("input_tokens", batch.InputTokens);
            json.WriteStartObject("input_tokens_details");
            json.WriteNumber("cached_tokens", batch.CachedTokens);
            json.WriteEndObject();
            json.WriteNumber("output_tokens", batch.OutputTokens);
            json.WriteStartObject("output_tokens_details");
            json.WriteNumber("reasoning_tokens", batch.ReasoningTokens);
            json.WriteEndObject();
            json.WriteNumber("total_tokens", batch.InputTokens + batch.OutputTokens);
            json.WriteEndObject();
        }
        if (batch.Metadata is { } metadata)
        {
            json.WritePropertyName("metadata");
            json.WriteRawValue(metadata, skipInputValidation: true);
        }
        else
        {
            json.WriteNull("metadata");
        }
        json.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    private static void Time(Utf8JsonWriter json, string name, DateTimeOffset? at)
    {
        if (at is { } t) json.WriteNumber(name, t.ToUnixTimeSeconds());
        else json.WriteNull(name);
    }
}
