using System.Text.Json;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// What makes the simulated Azure OpenAI prompt filter detect a jailbreak: a deterministic stand-in for Azure's own
/// Prompt Shields annotation on chat, so tests can see <c>jailbreak.detected: true</c> reach a client. Matched
/// without regard to case in the text of <c>user</c> messages (string content, or the <c>text</c> of its parts).
/// </summary>
internal static class PromptFilterMarkers
{
    /// <summary>The marker, as documented in docs/simulator.md.</summary>
    public const string Jailbreak = "[[azure-jailbreak]]";

    public static bool JailbreakInUserMessages(JsonElement messages)
    {
        if (messages.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object
                || !message.TryGetProperty("role"u8, out var role) || !role.ValueEquals("user"u8)
                || !message.TryGetProperty("content"u8, out var content))
            {
                continue;
            }

            if (content.ValueKind == JsonValueKind.String && HasMarker(content))
            {
                return true;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text"u8, out var text)
                    && text.ValueKind == JsonValueKind.String && HasMarker(text))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasMarker(JsonElement text) => text.GetString()!.Contains(Jailbreak, StringComparison.OrdinalIgnoreCase);
}
