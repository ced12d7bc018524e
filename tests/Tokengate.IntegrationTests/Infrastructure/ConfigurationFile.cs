using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// Writes configuration given as flat keys (<c>Tokengate:Pools:chat:Backends:0:Name</c>, as tests build it for the
/// in-memory provider) as the nested JSON file a user would give <c>tokengate serve --config</c>; children numbered
/// 0..n-1 become arrays.
/// </summary>
internal static class ConfigurationFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task WriteAsync(string path, IEnumerable<KeyValuePair<string, string?>> settings) =>
        await File.WriteAllTextAsync(path, ToJson(settings));

    public static string ToJson(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var root = new SortedDictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            var parts = key.Split(':');
            var node = root;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var child) || child is not SortedDictionary<string, object?> inner)
                {
                    inner = new SortedDictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    node[parts[i]] = inner;
                }
                node = inner;
            }
            node[parts[^1]] = value;
        }
        return ToNode(root)!.ToJsonString(Indented);
    }

    private static JsonNode? ToNode(object? value)
    {
        if (value is not SortedDictionary<string, object?> children) return value is null ? null : JsonValue.Create((string)value);
        var indexes = children.Keys.Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).Order().ToList();
        if (indexes.SequenceEqual(Enumerable.Range(0, children.Count)))
        {
            var array = new JsonArray();
            foreach (var index in indexes) array.Add(ToNode(children[index.ToString(CultureInfo.InvariantCulture)]));
            return array;
        }
        var obj = new JsonObject();
        foreach (var (name, child) in children) obj[name] = ToNode(child);
        return obj;
    }
}
