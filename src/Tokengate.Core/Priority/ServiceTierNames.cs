using System.Text.Json;

namespace Tokengate.Priority;

/// <summary>
/// The <c>service_tier</c> values the gateway writes or lets through (reference part 2, §E): <c>priority</c>,
/// <c>default</c>, <c>flex</c> and <c>auto</c> (the deployment's own tier). Values read from a response are kept as
/// these same string instances where they match, so recording a tier allocates nothing.
/// </summary>
internal static class ServiceTierNames
{
    public const string Priority = "priority";
    public const string Default = "default";
    public const string Flex = "flex";
    public const string Auto = "auto";

    /// <summary>The values configuration may name.</summary>
    public static readonly IReadOnlyList<string> Known = [Priority, Default, Flex, Auto];

    private static readonly byte[] PriorityJson = "\"priority\""u8.ToArray();
    private static readonly byte[] DefaultJson = "\"default\""u8.ToArray();
    private static readonly byte[] FlexJson = "\"flex\""u8.ToArray();
    private static readonly byte[] AutoJson = "\"auto\""u8.ToArray();

    public static bool IsKnown(string? value) => value is Priority or Default or Flex or Auto;

    /// <summary>A known value as a JSON string literal (quotes included).</summary>
    public static byte[] JsonLiteral(string known) => known switch
    {
        Priority => PriorityJson,
        Default => DefaultJson,
        Flex => FlexJson,
        Auto => AutoJson,
        _ => throw new ArgumentOutOfRangeException(nameof(known), known, "Not a known service tier."),
    };

    /// <summary>The string the reader is on: a known value's shared instance, else a new string; null for any other token.</summary>
    public static string? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return null;
        if (reader.ValueTextEquals("default"u8)) return Default;
        if (reader.ValueTextEquals("priority"u8)) return Priority;
        if (reader.ValueTextEquals("flex"u8)) return Flex;
        if (reader.ValueTextEquals("auto"u8)) return Auto;
        return reader.GetString();
    }

    /// <summary>The top-level <c>service_tier</c> of a JSON object (a response body, a stream chunk); null when absent or unreadable.</summary>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\"service_tier\""u8) < 0) return null;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTier = reader.ValueTextEquals("service_tier"u8);
                reader.Read();
                if (isTier) return Read(ref reader);
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A chunk that is not JSON names no tier.
        }
        return null;
    }
}
