using System.Text.Json;
using Tokengate.Network;

namespace Tokengate.Authorization;

/// <summary>
/// The consumer's egress policy for MCP tools: a request's <c>tools</c> entries of type <c>mcp</c> make the service call
/// their <c>server_url</c> with headers from the request, so each URL's host must be one the consumer's scope allows.
/// </summary>
internal static class McpServerCheck
{
    /// <summary>The first <c>server_url</c> in <paramref name="tools"/> (a JSON array) whose host <paramref name="allowed"/> refuses; null when all pass.</summary>
    public static string? FirstRefused(ReadOnlySpan<byte> tools, OutboundAllowlist allowed)
    {
        if (tools.IsEmpty) return null;
        var reader = new Utf8JsonReader(tools);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return null;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? type = null, url = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isUrl = reader.ValueTextEquals("server_url"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String) type = reader.GetString();
                else if (isUrl && reader.TokenType == JsonTokenType.String) url = reader.GetString();
                else reader.Skip();
            }
            if (type != "mcp" || url is null) continue;
            // A URL that cannot be parsed has no host the policy allows.
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !allowed.Allows(uri.IdnHost)) return url;
        }
        return null;
    }
}
