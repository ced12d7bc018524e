using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tokengate.Simulator.Protocol;
using Tokengate.Simulator.Tokens;

namespace Tokengate.Simulator.Responses;

/// <summary>
/// Reads Responses <c>input</c> (a string, or items: messages with content parts, function calls and their outputs,
/// reasoning items, …) into the items <c>input_items</c> lists, with ids and message content as parts, and counts
/// its tokens by the chat rule (3 per item plus its text; an image 85), folding the text into the answer's seed.
/// </summary>
internal static class ResponseInput
{
    /// <summary>Reply priming, as for chat (protocol reference §8.2).</summary>
    public const int ReplyPriming = 3;

    private const int PerItem = 3;
    private const int PerImage = 85;

    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "user", "assistant", "system", "developer" };

    /// <summary>Instructions count as a system message at the head of the conversation.</summary>
    public static int CountInstructions(string? instructions, Tokenizer tokenizer, ref ulong hash)
    {
        if (instructions is null)
        {
            return 0;
        }

        hash = Fnv1a.Append(hash, instructions);
        return PerItem + tokenizer.CountTokens("system") + (instructions.Length == 0 ? 0 : tokenizer.CountTokens(instructions));
    }

    public static List<InputItem>? Read(JsonElement input, Tokenizer tokenizer, ref ulong hash, out int tokens, out (string Message, string? Param, string? Code) error)
    {
        tokens = 0;
        error = default;
        var items = new List<InputItem>();
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString()!;
            hash = Fnv1a.Append(hash, text);
            tokens = PerItem + tokenizer.CountTokens("user") + (text.Length == 0 ? 0 : tokenizer.CountTokens(text));
            items.Add(Message("msg_" + ResponseIds.NewHex(), "user", w => WriteTextPart(w, "input_text", text)));
            return items;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return items;
        }

        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"input[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = RequestErrors.InvalidType(at, "an object", item);
                return null;
            }

            var type = item.TryGetProperty("type", out var typeValue) && typeValue.ValueKind == JsonValueKind.String ? typeValue.GetString()! : "message";
            tokens += PerItem;
            if (type == "message")
            {
                if (!item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                {
                    error = RequestErrors.Missing(at + ".role");
                    return null;
                }

                var roleName = role.GetString()!;
                if (!Roles.Contains(roleName))
                {
                    error = RequestErrors.InvalidValue(at + ".role",
                        $"Invalid value: '{roleName}'. Supported values are: 'user', 'assistant', 'system', and 'developer'.");
                    return null;
                }

                if (!item.TryGetProperty("content", out var content) || content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array))
                {
                    error = RequestErrors.Missing(at + ".content");
                    return null;
                }

                tokens += tokenizer.CountTokens(roleName) + CountContent(content, tokenizer, ref hash);
                var id = IdOf(item, "msg_");
                var partType = roleName == "assistant" ? "output_text" : "input_text";
                items.Add(content.ValueKind == JsonValueKind.String
                    ? Message(id, roleName, w => WriteTextPart(w, partType, content.GetString()!))
                    : Message(id, roleName, w =>
                    {
                        foreach (var part in content.EnumerateArray())
                        {
                            part.WriteTo(w);
                        }
                    }));
                continue;
            }

            tokens += type switch
            {
                "function_call" => CountField(item, "name", tokenizer, ref hash) + CountField(item, "arguments", tokenizer, ref hash),
                "function_call_output" => item.TryGetProperty("output", out var output) ? CountContent(output, tokenizer, ref hash) : 0,
                "reasoning" => CountSummary(item, tokenizer, ref hash),
                "item_reference" => 0,
                _ => CountRaw(item, tokenizer, ref hash),
            };
            items.Add(Copy(item, IdOf(item, PrefixOf(type))));
        }

        return items;
    }

    private static int CountContent(JsonElement content, Tokenizer tokenizer, ref ulong hash)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return PromptTokenCounter.CountString(content, tokenizer, ref hash);
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        var tokens = 0;
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                tokens += PromptTokenCounter.CountString(text, tokenizer, ref hash);
            }
            else if (part.TryGetProperty("refusal", out var refusal) && refusal.ValueKind == JsonValueKind.String)
            {
                tokens += PromptTokenCounter.CountString(refusal, tokenizer, ref hash);
            }
            else if (part.TryGetProperty("type", out var type) && type.ValueEquals("input_image"))
            {
                tokens += PerImage;
            }
        }

        return tokens;
    }

    private static int CountField(JsonElement item, string name, Tokenizer tokenizer, ref ulong hash) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? PromptTokenCounter.CountString(value, tokenizer, ref hash) : 0;

    /// <summary>Reasoning replayed as input counts by its visible summary; encrypted content is opaque here.</summary>
    private static int CountSummary(JsonElement item, Tokenizer tokenizer, ref ulong hash) =>
        item.TryGetProperty("summary", out var summary) ? CountContent(summary, tokenizer, ref hash) : 0;

    private static int CountRaw(JsonElement item, Tokenizer tokenizer, ref ulong hash)
    {
        var raw = item.GetRawText();
        hash = Fnv1a.Append(hash, raw);
        return tokenizer.CountTokens(raw);
    }

    private static string IdOf(JsonElement item, string prefix) =>
        item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0
            ? id.GetString()!
            : prefix + ResponseIds.NewHex();

    private static string PrefixOf(string type) => type switch
    {
        "function_call" => "fc_",
        "function_call_output" => "fco_",
        "reasoning" => "rs_",
        _ => "item_",
    };

    private static InputItem Message(string id, string role, Action<Utf8JsonWriter> writeParts) => Build(id, w =>
    {
        w.WriteString("id"u8, id);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("role"u8, role);
        w.WriteStartArray("content"u8);
        writeParts(w);
        w.WriteEndArray();
    });

    /// <summary>Any other item as sent, with an id added when it had none.</summary>
    private static InputItem Copy(JsonElement item, string id) => Build(id, w =>
    {
        w.WriteString("id"u8, id);
        foreach (var property in item.EnumerateObject())
        {
            if (!property.NameEquals("id"))
            {
                property.WriteTo(w);
            }
        }
    });

    private static void WriteTextPart(Utf8JsonWriter w, string type, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, type);
        w.WriteString("text"u8, text);
        if (type == "output_text")
        {
            w.WriteStartArray("annotations"u8);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static InputItem Build(string id, Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return new InputItem(id, buffer.WrittenSpan.ToArray());
    }
}
