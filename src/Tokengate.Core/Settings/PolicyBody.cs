using System.Text.Json;
using System.Text.Json.Nodes;
using Tokengate.Identity;
using Tokengate.OpenAI;

namespace Tokengate.Settings;

/// <summary>Turns a <c>PUT .../policy</c> body into settings edits: each part present replaces that part, JSON null removes it.</summary>
internal static class PolicyBody
{
    public static (List<SettingsEdit> Edits, GatewayError? Error) Read(JsonObject body, bool consumer, string name)
    {
        var editable = PolicyParts.Editable(consumer);
        var edits = new List<SettingsEdit>();
        foreach (var (property, node) in body)
        {
            var part = editable.FirstOrDefault(p => p.Equals(property, StringComparison.OrdinalIgnoreCase));
            if (part is null)
                return ([], AdminErrors.BadRequest($"Unknown policy part '{property}'; a {(consumer ? "consumer" : "group")} policy has {string.Join(", ", editable)}."));
            var key = PolicyParts.Key(part, consumer, name);
            var owners = PolicyParts.OwnedBy(part, consumer, name);
            if (node is null)
            {
                edits.Add(new SettingsEdit(key, owners, null, null, part));
                continue;
            }
            var value = JsonSerializer.SerializeToElement(node);
            var expected = part switch
            {
                PolicyParts.AllowedIpRanges => JsonValueKind.Array,
                PolicyParts.Logging => JsonValueKind.String,
                _ => JsonValueKind.Object,
            };
            if (value.ValueKind != expected)
                return ([], AdminErrors.BadRequest($"'{part}' must be a JSON {expected.ToString().ToLowerInvariant()} or null (was {value.ValueKind.ToString().ToLowerInvariant()})."));
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            SettingsKeys.Flatten(key, value, values);
            edits.Add(new SettingsEdit(key, owners, values, PolicyParts.BindsAs(part), part));
        }
        return edits.Count == 0 ? ([], AdminErrors.BadRequest($"The body names no policy part; give any of {string.Join(", ", editable)}.")) : (edits, null);
    }
}
