using Microsoft.ML.Tokenizers;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>An independent implementation of the reference §8.2 rule, for plain role/content/name messages.</summary>
internal static class ReferenceTokenCounter
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public static Tokenizer O200kBase => O200k.Value;

    public static Tokenizer Cl100kBase => Cl100k.Value;

    public static int CountChat(Tokenizer tokenizer, params (string Role, string Content, string? Name)[] messages)
    {
        var tokens = 3;
        foreach (var (role, content, name) in messages)
        {
            tokens += 3 + tokenizer.CountTokens(role) + tokenizer.CountTokens(content);
            if (name is not null)
            {
                tokens += tokenizer.CountTokens(name) + 1;
            }
        }

        return tokens;
    }
}
