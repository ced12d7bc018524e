using System.Text.Json;
using Tokengate.Accounting;

namespace Tokengate.Proxy;

/// <summary>Reads the top-level <c>usage</c> object of a response body or stream chunk.</summary>
internal static class UsageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out UsageCounts usage)
    {
        usage = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isUsage && reader.TokenType == JsonTokenType.StartObject) return ReadUsage(ref reader, out usage);
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON has no usage to read.
        }
        return false;
    }

    private static bool ReadUsage(ref Utf8JsonReader reader, out UsageCounts usage)
    {
        long prompt = 0, cached = 0, completion = 0;
        var any = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                reader.Read();
                any |= reader.TryGetInt64(out prompt);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                reader.TryGetInt64(out completion);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isCached = reader.ValueTextEquals("cached_tokens"u8);
                    reader.Read();
                    if (isCached && reader.TokenType == JsonTokenType.Number) reader.TryGetInt64(out cached);
                    else reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        usage = new UsageCounts(prompt, cached, completion, UsageSource.Reported);
        return any;
    }
}
