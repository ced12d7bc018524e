using System.Text.Json;

namespace Tokengate.Screening;

/// <summary>
/// Finds Azure's jailbreak and indirect-attack detections in a backend answer the relay already holds: chat's
/// <c>prompt_filter_results[].content_filter_results</c>, Responses' <c>content_filters[]</c>, and the
/// <c>content_filter</c> 400's <c>innererror.content_filter_result</c>. It reads only what passed through the relay's
/// buffer; a body in which no <c>"detected"</c> is <c>true</c> costs one vectorized search and no parse.
/// </summary>
internal static class AzureAnnotationReader
{
    public static AzurePromptAnnotations Read(ReadOnlySpan<byte> json)
    {
        if (!AnyDetected(json)) return AzurePromptAnnotations.None;
        var found = AzurePromptAnnotations.None;
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var kind = reader.ValueTextEquals("jailbreak"u8) ? AzurePromptAnnotations.Jailbreak
                    : reader.ValueTextEquals("indirect_attack"u8) ? AzurePromptAnnotations.IndirectAttack
                    : AzurePromptAnnotations.None;
                if (kind == AzurePromptAnnotations.None) continue;
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject) continue;
                var detected = false;
                var filtered = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isDetected = reader.ValueTextEquals("detected"u8);
                    var isFiltered = reader.ValueTextEquals("filtered"u8);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.True)
                    {
                        detected |= isDetected;
                        filtered |= isFiltered;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                if (detected) found |= kind;
                if (detected && filtered) found |= AzurePromptAnnotations.Filtered;
            }
        }
        catch (JsonException)
        {
            // A cut or odd body: what was read so far stands.
        }
        return found;
    }

    /// <summary>Whether any <c>"detected"</c> member's value is <c>true</c> (whitespace allowed around the colon).</summary>
    private static bool AnyDetected(ReadOnlySpan<byte> json)
    {
        var marker = "\"detected\""u8;
        while (true)
        {
            var at = json.IndexOf(marker);
            if (at < 0) return false;
            json = json[(at + marker.Length)..];
            var rest = json.TrimStart(" \t\r\n"u8);
            if (rest.IsEmpty || rest[0] != (byte)':') continue;
            if (rest[1..].TrimStart(" \t\r\n"u8).StartsWith("true"u8)) return true;
        }
    }
}
