using System.Text;
using System.Text.Json;

namespace Tokengate.Logging;

/// <summary>The generated text of a non-streaming response body: message contents, tool-call arguments, or completion texts.</summary>
internal static class CompletionText
{
    public static string From(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                return doc.RootElement.TryGetProperty("error", out _) ? Encoding.UTF8.GetString(body) : "";
            var text = new StringBuilder();
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String) text.Append(t.GetString());
                if (!choice.TryGetProperty("message", out var message)) continue;
                if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String) text.Append(content.GetString());
                if (message.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String) text.Append(refusal.GetString());
                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (call.TryGetProperty("function", out var f) && f.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String) text.Append(a.GetString());
                    }
                }
            }
            return text.ToString();
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }
}
