using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Tokengate.Settings;

/// <summary>Configuration keys of managed settings: prefixes, and JSON values written as the flat keys configuration binds.</summary>
internal static class SettingsKeys
{
    /// <summary>True when <paramref name="key"/> is <paramref name="prefix"/> or one of its children (case-insensitive, as configuration keys are).</summary>
    public static bool IsUnder(string key, string prefix) =>
        key.Equals(prefix, StringComparison.OrdinalIgnoreCase)
        || (key.Length > prefix.Length && key[prefix.Length] == ':' && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// <paramref name="value"/> as configuration keys under <paramref name="prefix"/>: objects by property (first letter
    /// upper-cased, as the options name them), arrays by index, scalars as their invariant text; JSON nulls inside are left out.
    /// </summary>
    public static void Flatten(string prefix, JsonElement value, IDictionary<string, string?> into)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                    Flatten(ConfigurationPath.Combine(prefix, Pascal(property.Name)), property.Value, into);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray()) Flatten(ConfigurationPath.Combine(prefix, (i++).ToString(CultureInfo.InvariantCulture)), item, into);
                break;
            case JsonValueKind.String:
                into[prefix] = value.GetString();
                break;
            case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number:
                into[prefix] = value.GetRawText();
                break;
        }
    }

    private static string Pascal(string name) => name.Length == 0 || char.IsUpper(name[0]) ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
