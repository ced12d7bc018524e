using System.Text.Json.Nodes;

namespace Tokengate.Simulator.Control;

/// <summary>
/// RFC 7396 merge: objects merge member by member, <c>null</c> removes (so the setting returns to its default), and
/// anything else replaces. Member names match case-insensitively, as the serializer reads them.
/// </summary>
internal static class JsonMergePatch
{
    public static void Apply(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            var existingName = FindName(target, name) ?? name;
            if (value is null)
            {
                target.Remove(existingName);
            }
            else if (value is JsonObject patchObject && target[existingName] is JsonObject targetObject)
            {
                Apply(targetObject, patchObject);
            }
            else
            {
                target[existingName] = value.DeepClone();
            }
        }
    }

    private static string? FindName(JsonObject target, string name)
    {
        foreach (var (existing, _) in target)
        {
            if (string.Equals(existing, name, StringComparison.OrdinalIgnoreCase))
            {
                return existing;
            }
        }

        return null;
    }
}
