using System.Text.Json;
using Tokengate.Simulator.Files;

namespace Tokengate.Simulator.Batches;

/// <summary>The <c>batch</c> object and its list, in the service's shape.</summary>
internal static class BatchJson
{
    public static string StatusName(BatchStatus status) => status switch
    {
        BatchStatus.Validating => "validating",
        BatchStatus.Failed => "failed",
        BatchStatus.InProgress => "in_progress",
        BatchStatus.Finalizing => "finalizing",
        BatchStatus.Completed => "completed",
        BatchStatus.Expired => "expired",
        BatchStatus.Cancelling => "cancelling",
        _ => "cancelled",
    };

    /// <summary>Writes the batch as of <paramref name="nowTicks"/> (call inside <see cref="BatchJob.Observe{T}"/>).</summary>
    public static void WriteBatch(Utf8JsonWriter w, BatchJob b, long nowTicks)
    {
        var spec = b.Spec;
        var done = b.DoneLines(nowTicks);
        w.WriteStartObject();
        w.WriteString("id", b.Id);
        w.WriteString("object", "batch");
        w.WriteString("endpoint", spec.Endpoint);
        ResourceJson.WriteNullableString(w, "model", b.Status == BatchStatus.Validating ? null : spec.Input.Model);
        if (b.Status == BatchStatus.Failed)
        {
            w.WriteStartObject("errors");
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var error in b.Errors)
            {
                w.WriteStartObject();
                w.WriteString("code", error.Code);
                w.WriteString("message", error.Message);
                ResourceJson.WriteNullableString(w, "param", error.Param);
                if (error.Line is int line)
                {
                    w.WriteNumber("line", line);
                }
                else
                {
                    w.WriteNull("line");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("errors");
        }

        w.WriteString("input_file_id", spec.InputFileId);
        w.WriteString("completion_window", spec.CompletionWindow);
        w.WriteString("status", StatusName(b.Status));
        ResourceJson.WriteNullableString(w, "output_file_id", b.OutputFileId);
        ResourceJson.WriteNullableString(w, "error_file_id", b.ErrorFileId);
        w.WriteNumber("created_at", ResourceJson.UnixSeconds(b.CreatedTicks));
        WriteTime(w, "in_progress_at", b.InProgressTicks);
        WriteTime(w, "expires_at", b.ExpiresTicks);
        WriteTime(w, "finalizing_at", b.FinalizingTicks);
        WriteTime(w, "completed_at", b.CompletedTicks);
        WriteTime(w, "failed_at", b.FailedTicks);
        WriteTime(w, "expired_at", b.ExpiredTicks);
        WriteTime(w, "cancelling_at", b.CancellingTicks);
        WriteTime(w, "cancelled_at", b.CancelledTicks);
        w.WriteStartObject("request_counts");
        w.WriteNumber("total", b.InProgressTicks is null ? 0 : spec.Input.Lines.Count);
        w.WriteNumber("completed", done.Count(l => l.Succeeded));
        w.WriteNumber("failed", done.Count(l => !l.Succeeded));
        w.WriteEndObject();
        if (spec.Metadata is { } metadata)
        {
            w.WritePropertyName("metadata");
            metadata.WriteTo(w);
        }
        else
        {
            w.WriteNull("metadata");
        }

        var input = done.Where(l => l.Succeeded).Sum(l => (long)l.InputTokens);
        var output = done.Where(l => l.Succeeded).Sum(l => (long)l.OutputTokens);
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", input);
        w.WriteStartObject("input_tokens_details");
        w.WriteNumber("cached_tokens", 0);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", output);
        w.WriteStartObject("output_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteEndObject();
        w.WriteNumber("total_tokens", input + output);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteList(Utf8JsonWriter w, IReadOnlyList<BatchJob> page, bool hasMore, long nowTicks)
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var batch in page)
        {
            batch.Observe(nowTicks, b =>
            {
                WriteBatch(w, b, nowTicks);
                return 0;
            });
        }

        w.WriteEndArray();
        ResourceJson.WriteNullableString(w, "first_id", page.Count > 0 ? page[0].Id : null);
        ResourceJson.WriteNullableString(w, "last_id", page.Count > 0 ? page[^1].Id : null);
        w.WriteBoolean("has_more", hasMore);
        w.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter w, string name, long? ticks)
    {
        if (ticks is long t)
        {
            w.WriteNumber(name, ResourceJson.UnixSeconds(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
