using System.Globalization;
using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>The OpenAI-style texts of a request that fails validation (message, param, code), as the service words them.</summary>
internal static class RequestErrors
{
    public static (string Message, string? Param, string? Code) Missing(string param) =>
        ($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static (string Message, string? Param, string? Code) InvalidType(string param, string expected, JsonElement got) =>
        ($"Invalid type for '{param}': expected {expected}, but got {Describe(got)} instead.", param, "invalid_type");

    public static (string Message, string? Param, string? Code) AboveMax(string param, long max, long got) =>
        (string.Create(CultureInfo.InvariantCulture, $"Invalid '{param}': integer above maximum value. Expected a value <= {max}, but got {got} instead."), param, "integer_above_max_value");

    public static (string Message, string? Param, string? Code) BelowMin(string param, long min, long got) =>
        (string.Create(CultureInfo.InvariantCulture, $"Invalid '{param}': integer below minimum value. Expected a value >= {min}, but got {got} instead."), param, "integer_below_min_value");

    public static (string Message, string? Param, string? Code) InvalidValue(string param, string message) =>
        (message, param, "invalid_value");

    /// <summary>Reads an optional integer within bounds; absent or null leaves <paramref name="value"/> null.</summary>
    public static bool TryReadInt(JsonElement root, string name, string param, long min, long max, out int? value, out (string Message, string? Param, string? Code) error)
    {
        value = null;
        error = default;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var parsed))
        {
            error = InvalidType(param, "an integer", element);
            return false;
        }

        if (parsed > max)
        {
            error = AboveMax(param, max, parsed);
            return false;
        }

        if (parsed < min)
        {
            error = BelowMin(param, min, parsed);
            return false;
        }

        value = (int)parsed;
        return true;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
