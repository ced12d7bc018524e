using System.Text.Json;

namespace Tokengate.Batches;

/// <summary>
/// A batch as its batch deployment last described it (the service's batch object): its state, counts, times, errors,
/// the backend's ids of its output and error files, and its <c>usage</c> when the service reports one.
/// </summary>
internal sealed record AzureBatchState
{
    /// <summary>The timestamp fields of the batch object, which are also the columns of <c>batches</c>.</summary>
    public static readonly string[] TimeFields = ["in_progress_at", "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at"];

    private static readonly string[] Statuses =
    [
        BatchStatus.Validating, BatchStatus.Failed, BatchStatus.InProgress, BatchStatus.Finalizing, BatchStatus.Completed,
        BatchStatus.Expired, BatchStatus.Cancelling, BatchStatus.Cancelled,
    ];

    public required string Id { get; init; }

    /// <summary>One of <see cref="BatchStatus"/>; null when the service said something else.</summary>
    public string? Status { get; init; }

    public int Total { get; init; }
    public int Completed { get; init; }
    public int Failed { get; init; }

    /// <summary>The <c>errors</c> object as JSON, or null.</summary>
    public string? Errors { get; init; }

    public string? OutputFileId { get; init; }
    public string? ErrorFileId { get; init; }

    /// <summary>The deployment the lines named, as the service says.</summary>
    public string? Model { get; init; }

    /// <summary>Input (cached included), cached, output (reasoning included) and reasoning tokens; null when the object has no <c>usage</c>.</summary>
    public (long Input, long Cached, long Output, long Reasoning)? Usage { get; init; }

    /// <summary>The times the service gave (column name → time).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Times { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>The batch object in <paramref name="body"/>, or null when it is none (no <c>id</c>).</summary>
    public static AzureBatchState? Read(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "id") is not { } id) return null;
            var status = Text(root, "status");
            var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            foreach (var field in TimeFields)
            {
                if (root.TryGetProperty(field, out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var seconds))
                    times[field] = DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
            var (total, completed, failed) = (0, 0, 0);
            if (root.TryGetProperty("request_counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
                (total, completed, failed) = ((int)Number(counts, "total"), (int)Number(counts, "completed"), (int)Number(counts, "failed"));
            (long, long, long, long)? usage = null;
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = (Number(u, "input_tokens"), Nested(u, "input_tokens_details", "cached_tokens"),
                    Number(u, "output_tokens"), Nested(u, "output_tokens_details", "reasoning_tokens"));
            }
            return new AzureBatchState
            {
                Id = id,
                Status = Array.IndexOf(Statuses, status) >= 0 ? status : null,
                Total = total,
                Completed = completed,
                Failed = failed,
                Errors = root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object ? errors.GetRawText() : null,
                OutputFileId = Text(root, "output_file_id"),
                ErrorFileId = Text(root, "error_file_id"),
                Model = Text(root, "model"),
                Usage = usage,
                Times = times,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The columns of <c>batches</c> this state sets: status (when known), counts, errors and the service's times.</summary>
    public Dictionary<string, object?> Columns()
    {
        var set = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["total"] = Total,
            ["completed"] = Completed,
            ["failed"] = Failed,
        };
        if (Status is not null) set["status"] = Status;
        if (Errors is not null) set["errors"] = Errors;
        foreach (var (field, at) in Times) set[field] = at;
        return set;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    private static long Nested(JsonElement element, string name, string inner) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Number(value, inner) : 0;
}
