using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace Tokengate.Simulator.Realtime;

/// <summary>
/// Reads the item of a <c>conversation.item.create</c>: a message (user: <c>input_text</c>, <c>input_audio</c>,
/// <c>input_image</c>; system: <c>input_text</c>; assistant: <c>text</c>/<c>output_text</c>), a
/// <c>function_call</c> or a <c>function_call_output</c>. Text is counted now, audio measured now, so a response
/// only adds up what its conversation holds.
/// </summary>
internal static class RealtimeItemReader
{
    public static RealtimeItem? Read(JsonElement item, Tokenizer tokenizer, RealtimeAudioFormat inputFormat, out RealtimeError? error)
    {
        error = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = item.ValueKind == JsonValueKind.Undefined ? RealtimeError.Missing("item") : RealtimeError.InvalidType("item", "an object");
            return null;
        }

        var id = OptionalString(item, "id") ?? RealtimeIds.Item();
        var type = OptionalString(item, "type") ?? "message";
        switch (type)
        {
            case "message":
                return ReadMessage(item, id, tokenizer, inputFormat, out error);
            case "function_call":
                {
                    if (RequiredString(item, "name", out error) is not { } name || RequiredString(item, "arguments", out error) is not { } arguments)
                    {
                        return null;
                    }

                    return new RealtimeItem(id, type)
                    {
                        CallId = OptionalString(item, "call_id") ?? RealtimeIds.Call(),
                        Name = name,
                        Arguments = arguments,
                        TextTokens = Count(tokenizer, name) + Count(tokenizer, arguments),
                    };
                }

            case "function_call_output":
                {
                    if (RequiredString(item, "call_id", out error) is not { } callId || RequiredString(item, "output", out error) is not { } output)
                    {
                        return null;
                    }

                    return new RealtimeItem(id, type) { CallId = callId, Output = output, TextTokens = Count(tokenizer, output) };
                }

            default:
                error = RealtimeError.InvalidValue("item.type", $"Invalid value: '{type}'. Supported values are: 'message', 'function_call', and 'function_call_output'.");
                return null;
        }
    }

    private static RealtimeItem? ReadMessage(JsonElement item, string id, Tokenizer tokenizer, RealtimeAudioFormat inputFormat, out RealtimeError? error)
    {
        if (RequiredString(item, "role", out error) is not { } role)
        {
            return null;
        }

        if (role is not ("user" or "assistant" or "system"))
        {
            error = RealtimeError.InvalidValue("item.role", $"Invalid value: '{role}'. Supported values are: 'user', 'assistant', and 'system'.");
            return null;
        }

        if (!item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
        {
            error = content.ValueKind == JsonValueKind.Undefined ? RealtimeError.Missing("item.content") : RealtimeError.InvalidType("item.content", "an array");
            return null;
        }

        var message = new RealtimeItem(id, "message") { Role = role };
        var index = 0;
        foreach (var entry in content.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"item.content[{index++}]");
            if (entry.ValueKind != JsonValueKind.Object)
            {
                error = RealtimeError.InvalidType(at, "an object");
                return null;
            }

            if (ReadPart(entry, role, at, tokenizer, inputFormat, out error) is not { } part)
            {
                return null;
            }

            message.Content.Add(part);
        }

        return message;
    }

    private static RealtimeContentPart? ReadPart(JsonElement entry, string role, string at, Tokenizer tokenizer, RealtimeAudioFormat inputFormat, out RealtimeError? error)
    {
        error = null;
        var partType = OptionalString(entry, "type");
        switch (role, partType)
        {
            case ("user" or "system", "input_text"):
            case ("assistant", "text" or "output_text"):
                {
                    if (RequiredString(entry, "text", out error, at) is not { } text)
                    {
                        return null;
                    }

                    var kind = role == "assistant" ? RealtimePartKind.OutputText : RealtimePartKind.InputText;
                    return new RealtimeContentPart(kind) { Text = text, TextTokens = Count(tokenizer, text) };
                }

            case ("user", "input_audio"):
                {
                    if (RequiredString(entry, "audio", out error, at) is not { } base64)
                    {
                        return null;
                    }

                    if (RealtimeAudioDecoder.Length(base64) is not long bytes)
                    {
                        error = RealtimeError.InvalidValue(at + ".audio", "Invalid value: the audio must be base64-encoded.");
                        return null;
                    }

                    // The transcript of an input audio part is for reference only; the model hears the audio.
                    return new RealtimeContentPart(RealtimePartKind.InputAudio)
                    {
                        AudioBytes = bytes,
                        AudioTokens = RealtimeAudio.Tokens(bytes, inputFormat),
                        Transcript = OptionalString(entry, "transcript"),
                    };
                }

            case ("user", "input_image"):
                return new RealtimeContentPart(RealtimePartKind.InputImage) { ImageUrl = OptionalString(entry, "image_url") };
            default:
                error = RealtimeError.InvalidValue(at + ".type", $"Invalid value: '{partType}'. A {role} message does not take this content type.");
                return null;
        }
    }

    private static int Count(Tokenizer tokenizer, string text) => text.Length == 0 ? 0 : tokenizer.CountTokens(text);

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? RequiredString(JsonElement element, string name, out RealtimeError? error, string scope = "item")
    {
        error = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = RealtimeError.Missing(scope + "." + name);
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = RealtimeError.InvalidType(scope + "." + name, "a string");
            return null;
        }

        return value.GetString();
    }
}
