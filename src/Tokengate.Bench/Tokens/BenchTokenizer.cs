using Microsoft.ML.Tokenizers;

namespace Tokengate.Bench.Tokens;

/// <summary>
/// The tokenizer of a model family (protocol reference §8.1): o200k_base for gpt-4o, gpt-4.1, o-series and gpt-5;
/// cl100k_base for gpt-4, gpt-3.5 and the embedding models. Each vocabulary loads once, on first use.
/// </summary>
internal static class BenchTokenizer
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>The encoding the load generator sizes prompts with (gpt-4o and later).</summary>
    public static Tokenizer Default => O200k.Value;

    /// <summary>The tokenizer for <paramref name="model"/>, or null when the model family is not known.</summary>
    public static Tokenizer? ForModel(string model)
    {
        var name = model.Trim().ToLowerInvariant();
        if (name.StartsWith("gpt-4o", StringComparison.Ordinal) || name.StartsWith("gpt-4.1", StringComparison.Ordinal)
            || name.StartsWith("gpt-4.5", StringComparison.Ordinal) || name.StartsWith("gpt-5", StringComparison.Ordinal)
            || name.StartsWith("o1", StringComparison.Ordinal) || name.StartsWith("o3", StringComparison.Ordinal)
            || name.StartsWith("o4", StringComparison.Ordinal) || name.StartsWith("gpt-oss", StringComparison.Ordinal))
        {
            return O200k.Value;
        }

        if (name.StartsWith("gpt-4", StringComparison.Ordinal) || name.StartsWith("gpt-35", StringComparison.Ordinal)
            || name.StartsWith("gpt-3.5", StringComparison.Ordinal) || name.StartsWith("text-embedding-", StringComparison.Ordinal))
        {
            return Cl100k.Value;
        }

        return null;
    }
}
