using System.Text.Json;

namespace Tokengate.Bench.Tokens;

/// <summary><c>tokengate bench tokenize</c>: the token count of a text, or of a chat request by the §8.2 rule.</summary>
internal static class TokenizeInput
{
    /// <summary>Counts <paramref name="text"/> as plain text, or as chat JSON when <paramref name="chat"/>; null with a message on bad input.</summary>
    public static int? Count(string model, string text, bool chat, out string? error)
    {
        error = null;
        var tokenizer = BenchTokenizer.ForModel(model);
        if (tokenizer is null)
        {
            error = $"Unknown model '{model}': use a model name such as gpt-4o, gpt-4.1, o3, gpt-4, gpt-35-turbo or text-embedding-3-small.";
            return null;
        }

        if (!chat)
        {
            return tokenizer.CountTokens(text);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return ChatTokenCounter.Count(document.RootElement, tokenizer);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            error = $"Not a chat JSON: {ex.Message}";
            return null;
        }
    }
}
