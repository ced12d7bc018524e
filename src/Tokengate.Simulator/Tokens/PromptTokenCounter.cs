using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Tokengate.Simulator.Tokens;

/// <summary>
/// Prompt token counting by the OpenAI cookbook rule for gpt-3.5-0613 and later (protocol reference §8.2): 3 for the
/// reply priming, 3 per message, the encoded length of every string field, and 1 more for <c>name</c>. Along the way
/// it folds the counted text into a hash, which seeds the generated answer.
/// </summary>
internal static class PromptTokenCounter
{
    private const int ReplyPriming = 3;
    private const int PerMessage = 3;
    private const int PerName = 1;

    // Cookbook estimate for a low-detail image; the simulator does not fetch or size images.
    private const int PerImage = 85;

    // Cookbook estimate for function definitions (gpt-4o family): a fixed cost once, and one per function.
    private const int ToolsOverhead = 7;
    private const int PerFunction = 12;

    public static int CountMessages(JsonElement messages, Tokenizer tokenizer, ref ulong hash)
    {
        var tokens = ReplyPriming;
        foreach (var message in messages.EnumerateArray())
        {
            tokens += PerMessage;
            if (message.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var field in message.EnumerateObject())
            {
                switch (field.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        tokens += CountString(field.Value, tokenizer, ref hash);
                        if (field.NameEquals("name"))
                        {
                            tokens += PerName;
                        }

                        break;
                    case JsonValueKind.Array when field.NameEquals("content"):
                        tokens += CountContentParts(field.Value, tokenizer, ref hash);
                        break;
                    case JsonValueKind.Array when field.NameEquals("tool_calls"):
                        tokens += CountToolCalls(field.Value, tokenizer, ref hash);
                        break;
                    default:
                        break;
                }
            }
        }

        return tokens;
    }

    /// <summary>
    /// Function definitions in <c>tools</c> (chat's <c>{type, function:{…}}</c> or Responses' flat shape): an estimate
    /// of the cookbook rule, the text of each name, description and parameter schema plus fixed framing.
    /// </summary>
    public static int CountTools(JsonElement root, Tokenizer tokenizer, ref ulong hash, bool chatShape)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        var tokens = 0;
        var functions = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || !type.ValueEquals("function"))
            {
                continue;
            }

            var definition = tool;
            if (chatShape && (!tool.TryGetProperty("function", out definition) || definition.ValueKind != JsonValueKind.Object))
            {
                continue;
            }

            functions++;
            tokens += PerFunction;
            foreach (var field in (ReadOnlySpan<string>)["name", "description"])
            {
                if (definition.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    tokens += CountString(text, tokenizer, ref hash);
                }
            }

            if (definition.TryGetProperty("parameters", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
            {
                var schema = parameters.GetRawText();
                hash = Fnv1a.Append(hash, schema);
                tokens += tokenizer.CountTokens(schema);
            }
        }

        return functions == 0 ? 0 : tokens + ToolsOverhead;
    }

    public static int CountString(JsonElement value, Tokenizer tokenizer, ref ulong hash)
    {
        var text = value.GetString() ?? string.Empty;
        hash = Fnv1a.Append(hash, text);
        return text.Length == 0 ? 0 : tokenizer.CountTokens(text);
    }

    private static int CountContentParts(JsonElement parts, Tokenizer tokenizer, ref ulong hash)
    {
        var tokens = 0;
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                tokens += CountString(text, tokenizer, ref hash);
            }
            else if (part.TryGetProperty("image_url", out _))
            {
                tokens += PerImage;
            }
        }

        return tokens;
    }

    private static int CountToolCalls(JsonElement calls, Tokenizer tokenizer, ref ulong hash)
    {
        var tokens = 0;
        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
            {
                if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    tokens += CountString(name, tokenizer, ref hash);
                }

                if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                {
                    tokens += CountString(arguments, tokenizer, ref hash);
                }
            }
        }

        return tokens;
    }
}
