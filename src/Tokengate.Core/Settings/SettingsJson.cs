using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tokengate.Settings;

/// <summary>How the settings endpoints write JSON: camelCase names and enum values as camelCase text.</summary>
internal static class SettingsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
