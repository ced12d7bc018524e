using System.Text.Json;

namespace Tokengate.Bench.Load;

/// <summary>
/// What the load generator needs from a response body or one streamed chunk, read with <see cref="Utf8JsonReader"/>
/// and no allocation: whether it carries generated text, its <c>usage</c>, and whether it is an error.
/// </summary>
internal readonly record struct ChunkScan(bool HasContent, bool HasUsage, int PromptTokens, int CompletionTokens, bool IsError, bool IsDone)
{
    private static ReadOnlySpan<byte> Done => "[DONE]"u8;

    public static ChunkScan Read(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith(Done))
        {
            return new ChunkScan(false, false, 0, 0, false, true);
        }

        bool content = false, usage = false, error = false;
        int prompt = 0, completion = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    usage = reader.TokenType == JsonTokenType.StartObject && ReadUsage(ref reader, out prompt, out completion);
                }
                else if (reader.CurrentDepth == 1 && reader.ValueTextEquals("error"u8))
                {
                    error = true;
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content |= reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0;
                }
            }
        }
        catch (JsonException)
        {
            error = true;
        }

        return new ChunkScan(content, usage, prompt, completion, error, false);
    }

    private static bool ReadUsage(ref Utf8JsonReader reader, out int prompt, out int completion)
    {
        prompt = completion = 0;
        var found = false;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != depth + 1)
            {
                continue;
            }

            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && (isPrompt || isCompletion) && reader.TryGetInt32(out var value))
            {
                found = true;
                if (isPrompt)
                {
                    prompt = value;
                }
                else
                {
                    completion = value;
                }
            }
        }

        return found;
    }
}
