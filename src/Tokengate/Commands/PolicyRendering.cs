using System.Text;
using System.Text.Json;

namespace Tokengate.Commands;

/// <summary>How <c>show</c> commands print a consumer's or group's detail: its facts, then each policy part with where it comes from.</summary>
internal static class PolicyRendering
{
    public static string Detail(JsonElement detail, params string[] facts)
    {
        var text = new StringBuilder();
        foreach (var fact in facts) text.Append(fact).Append(": ").AppendLine(AdminCommand.Cell(detail, fact));
        var sources = detail.GetProperty("sources");
        foreach (var part in detail.GetProperty("policy").EnumerateObject())
        {
            if (!sources.TryGetProperty(part.Name, out var source)) continue;
            var value = part.Value.ValueKind == JsonValueKind.Null ? "-" : part.Value.GetRawText();
            text.Append(part.Name).Append(": ").Append(value);
            if (source.ValueKind == JsonValueKind.String) text.Append("  (").Append(source.GetString()).Append(')');
            text.AppendLine();
        }
        return text.ToString();
    }
}
