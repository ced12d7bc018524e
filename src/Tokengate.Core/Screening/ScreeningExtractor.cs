using System.Text;
using System.Text.Json;
using Tokengate.OpenAI;
using Tokengate.Operations;

namespace Tokengate.Screening;

/// <summary>
/// Takes what a request asks a model to read out of its body, for the detectors: the user's own words (the newest user
/// turn; earlier ones too when the policy screens history) and untrusted content (tool and function results, MCP
/// call outputs) as documents. Only the prompt's value is read again (its offsets come from step 3), and only for a
/// request that is screened. System and developer messages and <c>instructions</c> are the application's own, trusted,
/// and not screened; files, images and audio are skipped; Azure "On your data" <c>data_sources</c> are configuration,
/// not content.
/// </summary>
internal static class ScreeningExtractor
{
    /// <summary>Whether the operation carries a prompt the extractor reads (chat, completions, Responses).</summary>
    public static bool Screens(OperationDescriptor operation) =>
        operation == OperationRegistry.ChatCompletions || operation == OperationRegistry.Completions || operation == OperationRegistry.ResponsesCreate;

    /// <summary>The texts to screen; <see cref="ScreeningInput.Empty"/> when there are none or the value is not readable.</summary>
    public static ScreeningInput Extract(OperationDescriptor operation, ReadOnlySpan<byte> body, in ParsedRequest parsed, bool history, bool untrusted)
    {
        if (parsed.PromptLength == 0 || parsed.PromptStart + parsed.PromptLength > body.Length) return ScreeningInput.Empty;
        var value = body.Slice(parsed.PromptStart, parsed.PromptLength);
        try
        {
            if (operation == OperationRegistry.ChatCompletions) return Items(value, history, untrusted, responses: false);
            if (operation == OperationRegistry.ResponsesCreate) return Items(value, history, untrusted, responses: true);
            if (operation == OperationRegistry.Completions) return Prompt(value);
        }
        catch (JsonException)
        {
            // Step 3 validated the body; a value the reader cannot take apart has nothing to screen.
        }
        catch (InvalidOperationException)
        {
        }
        return ScreeningInput.Empty;
    }

    /// <summary>Legacy completions: <c>prompt</c> is a string or an array of strings (token arrays are skipped).</summary>
    private static ScreeningInput Prompt(ReadOnlySpan<byte> value)
    {
        var user = new List<string>(1);
        Texts(value, user, join: false);
        return user.Count == 0 ? ScreeningInput.Empty : new ScreeningInput(user, []);
    }

    /// <summary>
    /// Chat <c>messages</c> or Responses <c>input</c> (a string, or items): user turns, and tool, function and MCP
    /// outputs as documents.
    /// </summary>
    private static ScreeningInput Items(ReadOnlySpan<byte> value, bool history, bool untrusted, bool responses)
    {
        var reader = new Utf8JsonReader(value);
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return new ScreeningInput([reader.GetString()!], []);
        if (reader.TokenType != JsonTokenType.StartArray) return ScreeningInput.Empty;

        var users = new List<(int Start, int Length)>();
        List<string>? documents = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            var item = ReadItem(ref reader);
            switch (Classify(item, responses))
            {
                case Piece.User when item.ContentLength > 0:
                    users.Add((item.ContentStart, item.ContentLength));
                    break;
                case Piece.Document when untrusted && item.ContentLength > 0:
                    var texts = new List<string>(1);
                    Texts(value.Slice(item.ContentStart, item.ContentLength), texts, join: true);
                    if (texts.Count > 0 && texts[0].Length > 0) (documents ??= []).Add(texts[0]);
                    break;
            }
        }

        var prompt = new List<string>(history ? users.Count : 1);
        for (var i = history ? 0 : Math.Max(0, users.Count - 1); i < users.Count; i++)
        {
            var before = prompt.Count;
            Texts(value.Slice(users[i].Start, users[i].Length), prompt, join: true);
            if (prompt.Count > before && prompt[^1].Length == 0) prompt.RemoveAt(prompt.Count - 1);
        }
        return prompt.Count == 0 && documents is null ? ScreeningInput.Empty : new ScreeningInput(prompt, documents ?? []);
    }

    private enum Piece
    {
        Skip,
        User,
        Document,
    }

    private static Piece Classify(in Item item, bool responses)
    {
        if (item.Type is null or "message")
        {
            return item.Role switch
            {
                "user" => Piece.User,
                // Chat's tool results (and the legacy function role) are the application's relay of untrusted content.
                "tool" or "function" when !responses => Piece.Document,
                _ => Piece.Skip,
            };
        }
        return responses && item.Type is "function_call_output" or "custom_tool_call_output" or "mcp_call" ? Piece.Document : Piece.Skip;
    }

    /// <summary>A message or item: its role and type, and where the value that holds its text lies.</summary>
    private struct Item
    {
        public string? Role;
        public string? Type;
        public int ContentStart;
        public int ContentLength;
    }

    /// <summary>Reads one object; the reader is on its <c>{</c> and is left on its <c>}</c>.</summary>
    private static Item ReadItem(ref Utf8JsonReader reader)
    {
        var item = new Item();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8) || reader.ValueTextEquals("type"u8))
            {
                var role = reader.ValueTextEquals("role"u8);
                reader.Read();
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (role) item.Role = text;
                else item.Type = text;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("output"u8))
            {
                reader.Read();
                item.ContentStart = (int)reader.TokenStartIndex;
                reader.Skip();
                item.ContentLength = (int)reader.BytesConsumed - item.ContentStart;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return item;
    }

    /// <summary>
    /// The text of a content value: a string, or an array of strings and parts with a <c>text</c> (<c>text</c>,
    /// <c>input_text</c>); other parts (images, audio, files) are skipped. With <paramref name="join"/> the pieces
    /// become one text.
    /// </summary>
    private static void Texts(ReadOnlySpan<byte> value, List<string> into, bool join)
    {
        var reader = new Utf8JsonReader(value);
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            into.Add(reader.GetString()!);
            return;
        }
        if (reader.TokenType != JsonTokenType.StartArray) return;
        StringBuilder? joined = null;
        void Add(string text, List<string> list)
        {
            if (!join)
            {
                list.Add(text);
                return;
            }
            if (joined is null) joined = new StringBuilder(text);
            else joined.Append('\n').Append(text);
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                Add(reader.GetString()!, into);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var text = reader.ValueTextEquals("text"u8);
                    reader.Read();
                    if (text && reader.TokenType == JsonTokenType.String) Add(reader.GetString()!, into);
                    else reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
        }
        if (joined is not null) into.Add(joined.ToString());
    }
}
