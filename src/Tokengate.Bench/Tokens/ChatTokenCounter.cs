using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Tokengate.Bench.Tokens;

/// <summary>
/// Prompt tokens of a chat request by the rule of protocol reference §8.2 (gpt-3.5-0613 and later): 3 for the reply
/// priming, 3 per message, the encoded length of every string field, and 1 more for <c>name</c>; text parts of an
/// array <c>content</c> count as text.
/// </summary>
internal static class ChatTokenCounter
{
    public const int ReplyPriming = 3;
    public const int PerMessage = 3;
    public const int PerName = 1;

    /// <summary>Counts a chat JSON: an array of messages, or an object with a <c>messages</c> array.</summary>
    /// <exception cref="FormatException">The JSON is neither.</exception>
    public static int Count(JsonElement chat, Tokenizer tokenizer)
    {
        var messages = chat.ValueKind == JsonValueKind.Object && chat.TryGetProperty("messages", out var inner) ? inner : chat;
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Expected a JSON array of messages, or an object with a \"messages\" array.");
        }

        var tokens = ReplyPriming;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("Every message must be a JSON object such as {\"role\":\"user\",\"content\":\"Hi\"}.");
            }

            tokens += PerMessage;
            foreach (var field in message.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.String)
                {
                    tokens += tokenizer.CountTokens(field.Value.GetString()!);
                    if (field.NameEquals("name"))
                    {
                        tokens += PerName;
                    }
                }
                else if (field.Value.ValueKind == JsonValueKind.Array && field.NameEquals("content"))
                {
                    foreach (var part in field.Value.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                        {
                            tokens += tokenizer.CountTokens(text.GetString()!);
                        }
                    }
                }
            }
        }

        return tokens;
    }
}
