using System.Text.Json;

namespace Tokengate.Batches;

/// <summary>
/// The tokens of a batch summed from its output file, for a service that leaves <c>usage</c> out of the batch object:
/// each line's <c>response.body.usage</c>, in the chat shape (<c>prompt_tokens</c>, <c>completion_tokens</c> and their
/// details) or the Responses shape (<c>input_tokens</c>, <c>output_tokens</c> and theirs). Lines without usage add nothing.
/// </summary>
internal static class BatchOutputUsage
{
    public static async Task<(long Input, long Cached, long Output, long Reasoning)> SumAsync(Stream output, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(output, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        (long Input, long Cached, long Output, long Reasoning) sum = default;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var document = JsonDocument.Parse(line);
                if (!(document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object
                    && response.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object
                    && body.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)) continue;
                sum.Input += Number(usage, "prompt_tokens") + Number(usage, "input_tokens");
                sum.Output += Number(usage, "completion_tokens") + Number(usage, "output_tokens");
                sum.Cached += Nested(usage, "prompt_tokens_details", "cached_tokens") + Nested(usage, "input_tokens_details", "cached_tokens");
                sum.Reasoning += Nested(usage, "completion_tokens_details", "reasoning_tokens") + Nested(usage, "output_tokens_details", "reasoning_tokens");
            }
            catch (JsonException)
            {
                // A line the service wrote that is not JSON counts nothing; the file itself is kept as it came.
            }
        }
        return sum;
    }

    private static long Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    private static long Nested(JsonElement element, string name, string inner) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Number(value, inner) : 0;
}
