using System.Text;
using System.Text.Json;
using Tokengate.Simulator.Generation;

namespace Tokengate.Simulator.Protocol;

/// <summary>
/// The three logprob shapes: chat (<c>{"content":[{token, logprob, bytes, top_logprobs}], "refusal"}</c>), legacy
/// completions (<c>{tokens, token_logprobs, top_logprobs, text_offset}</c>), and Responses' per-part arrays.
/// </summary>
internal static class LogprobsJson
{
    /// <summary>Chat <c>choices[].logprobs</c> for entries [start, start + count).</summary>
    public static void WriteChat(Utf8JsonWriter w, TokenLogprob[] entries, int start, int count)
    {
        w.WriteStartObject("logprobs"u8);
        w.WriteStartArray("content"u8);
        for (var i = start; i < start + count; i++)
        {
            WriteEntry(w, entries[i], topName: "top_logprobs"u8);
        }

        w.WriteEndArray();
        w.WriteNull("refusal"u8);
        w.WriteEndObject();
    }

    /// <summary>Responses: an array of <c>{token, logprob, bytes, top_logprobs}</c> (on output_text parts and deltas).</summary>
    public static void WriteResponsesArray(Utf8JsonWriter w, ReadOnlySpan<byte> name, TokenLogprob[]? entries, int start, int count)
    {
        w.WriteStartArray(name);
        for (var i = start; entries is not null && i < start + count; i++)
        {
            WriteEntry(w, entries[i], topName: "top_logprobs"u8);
        }

        w.WriteEndArray();
    }

    /// <summary>Legacy completions <c>choices[].logprobs</c> for entries [start, start + count).</summary>
    public static void WriteLegacy(Utf8JsonWriter w, TokenLogprob[] entries, int start, int count, int textOffset)
    {
        w.WriteStartObject("logprobs"u8);
        w.WriteStartArray("tokens"u8);
        for (var i = start; i < start + count; i++)
        {
            w.WriteStringValue(entries[i].Token);
        }

        w.WriteEndArray();
        w.WriteStartArray("token_logprobs"u8);
        for (var i = start; i < start + count; i++)
        {
            w.WriteNumberValue(entries[i].Logprob);
        }

        w.WriteEndArray();
        w.WriteStartArray("top_logprobs"u8);
        for (var i = start; i < start + count; i++)
        {
            w.WriteStartObject();
            foreach (var top in entries[i].Top)
            {
                w.WriteNumber(top.Token, top.Logprob);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("text_offset"u8);
        var offset = textOffset;
        for (var i = start; i < start + count; i++)
        {
            w.WriteNumberValue(offset);
            offset += entries[i].Token.Length;
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEntry(Utf8JsonWriter w, TokenLogprob entry, ReadOnlySpan<byte> topName)
    {
        w.WriteStartObject();
        w.WriteString("token"u8, entry.Token);
        w.WriteNumber("logprob"u8, entry.Logprob);
        WriteBytes(w, entry.Token);
        w.WriteStartArray(topName);
        foreach (var top in entry.Top)
        {
            w.WriteStartObject();
            w.WriteString("token"u8, top.Token);
            w.WriteNumber("logprob"u8, top.Logprob);
            WriteBytes(w, top.Token);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBytes(Utf8JsonWriter w, string token)
    {
        w.WriteStartArray("bytes"u8);
        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
    }
}
