using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Tokengate.Operations;

namespace Tokengate.Tokens;

/// <summary>
/// Exact prompt counting over the body's bytes, without building a DOM. Chat messages follow the rule of protocol
/// reference §8.2 (3 for the reply priming, 3 per message, every string field encoded, 1 more for <c>name</c>);
/// tool calls add 3 framing tokens each; images and tool definitions are estimated on the high side (an image is
/// 765 tokens, four 512-px tiles at high detail, or 85 at low detail; tools cost 7 plus their JSON text encoded).
/// Counting stops as soon as the total passes <c>stopAbove</c>, so asking "over N?" costs work ∝ N.
/// </summary>
internal static class PromptTokenCounter
{
    private const int ReplyPriming = 3;
    private const int PerMessage = 3;
    private const int PerName = 1;
    private const int PerToolCall = 3;
    private const int ToolsOverhead = 7;
    private const int ImageHighDetail = 85 + (170 * 4);
    private const int ImageLowDetail = 85;

    /// <summary>
    /// Counts <paramref name="prompt"/> (the JSON value of <c>messages</c>, <c>prompt</c> or <c>input</c>) as its
    /// <paramref name="shape"/> says, plus <paramref name="tools"/> and, for Responses, <paramref name="instructions"/>.
    /// </summary>
    public static int Count(Tokenizer tokenizer, PromptShape shape, ReadOnlySpan<byte> prompt, ReadOnlySpan<byte> tools, int stopAbove = int.MaxValue, ReadOnlySpan<byte> instructions = default)
    {
        var counter = new Counter(tokenizer, stopAbove);
        try
        {
            if (!prompt.IsEmpty && shape == PromptShape.FormText)
            {
                counter.RawJson(prompt, overhead: 0);  // plain UTF-8 text: encoded as it is
            }
            else if (!prompt.IsEmpty)
            {
                var reader = new Utf8JsonReader(prompt);
                reader.Read();
                if (shape == PromptShape.Messages) counter.Messages(ref reader, responseItems: false);
                else if (shape == PromptShape.ResponseItems && reader.TokenType == JsonTokenType.StartArray) counter.Messages(ref reader, responseItems: true);
                else if (shape == PromptShape.ResponseItems) counter.Message(ref reader);
                else counter.Inputs(ref reader);
            }
            if (!instructions.IsEmpty && !counter.Done)
            {
                var reader = new Utf8JsonReader(instructions);
                reader.Read();
                counter.Message(ref reader);
            }
            if (!tools.IsEmpty && !counter.Done) counter.RawJson(tools, ToolsOverhead);
            return counter.Total;
        }
        finally
        {
            counter.Dispose();
        }
    }

    private ref struct Counter(Tokenizer tokenizer, int stopAbove)
    {
        private char[]? _chars;

        public int Total;

        public readonly bool Done => Total > stopAbove;

        /// <summary>One message whose whole content is a string (Responses' string <c>input</c>, <c>instructions</c>).</summary>
        public void Message(ref Utf8JsonReader reader)
        {
            Total += PerMessage;
            if (reader.TokenType == JsonTokenType.String) Text(ref reader);
            else reader.Skip();
        }

        /// <summary>
        /// Chat <c>messages</c>, or Responses <c>input</c> items (<paramref name="responseItems"/>), whose function calls
        /// and their outputs carry text in <c>arguments</c> and <c>output</c> too.
        /// </summary>
        public void Messages(ref Utf8JsonReader reader, bool responseItems)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return;
            }
            Total += ReplyPriming;
            while (!Done && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Total += PerMessage;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (!Done && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isName = reader.ValueTextEquals("name"u8);
                    var isContent = reader.ValueTextEquals("content"u8);
                    var isToolCalls = reader.ValueTextEquals("tool_calls"u8);
                    var isItemText = responseItems && (reader.ValueTextEquals("arguments"u8) || reader.ValueTextEquals("output"u8));
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (isName || isContent || isItemText || !responseItems))
                    {
                        Text(ref reader);
                        if (isName) Total += PerName;
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray && isContent) ContentParts(ref reader);
                    else if (reader.TokenType == JsonTokenType.StartArray && isToolCalls) ToolCalls(ref reader);
                    else reader.Skip();
                }
            }
        }

        /// <summary><c>prompt</c> or <c>input</c>: a string, an array of strings, or token arrays.</summary>
        public void Inputs(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                Text(ref reader);
                return;
            }
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return;
            }
            var depth = reader.CurrentDepth;
            while (!Done && reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
            {
                if (reader.TokenType == JsonTokenType.String) Text(ref reader);
                else if (reader.TokenType == JsonTokenType.Number) Total++;
            }
        }

        public void RawJson(ReadOnlySpan<byte> json, int overhead)
        {
            Total += overhead;
            var chars = Chars(json.Length);
            var length = Encoding.UTF8.GetChars(json, chars);
            Add(chars.AsSpan(0, length));
        }

        public void Dispose()
        {
            if (_chars is not null) ArrayPool<char>.Shared.Return(_chars);
        }

        private void ContentParts(ref Utf8JsonReader reader)
        {
            while (!Done && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isText = reader.ValueTextEquals("text"u8);
                    var isImage = reader.ValueTextEquals("image_url"u8);
                    reader.Read();
                    if (isText && reader.TokenType == JsonTokenType.String) Text(ref reader);
                    else if (isImage) Total += ImageTokens(ref reader);
                    else reader.Skip();
                }
            }
        }

        private static int ImageTokens(ref Utf8JsonReader reader)
        {
            var low = false;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isDetail = reader.ValueTextEquals("detail"u8);
                    reader.Read();
                    if (isDetail && reader.TokenType == JsonTokenType.String) low = reader.ValueTextEquals("low"u8);
                    reader.Skip();
                }
            }
            else
            {
                reader.Skip();
            }
            return low ? ImageLowDetail : ImageHighDetail;
        }

        private void ToolCalls(ref Utf8JsonReader reader)
        {
            while (!Done && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                Total += PerToolCall;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isFunction = reader.ValueTextEquals("function"u8);
                    reader.Read();
                    if (!isFunction || reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String) Text(ref reader);
                        else reader.Skip();
                    }
                }
            }
        }

        private void Text(ref Utf8JsonReader reader)
        {
            var chars = Chars(reader.ValueSpan.Length);
            var length = reader.CopyString(chars);
            Add(chars.AsSpan(0, length));
        }

        private void Add(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty) return;
            if (stopAbove == int.MaxValue)
            {
                Total += tokenizer.CountTokens(text);
                return;
            }
            // Encode only as far as the limit needs: past it the exact figure no longer matters.
            var room = Math.Max(0, stopAbove - Total) + 1;
            var index = tokenizer.GetIndexByTokenCount(text, room, out _, out var counted);
            Total += counted;
            if (index < text.Length) Total = Math.Max(Total, stopAbove + 1);
        }

        private char[] Chars(int length)
        {
            if (_chars is null || _chars.Length < length)
            {
                if (_chars is not null) ArrayPool<char>.Shared.Return(_chars);
                _chars = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
            }
            return _chars;
        }
    }
}
