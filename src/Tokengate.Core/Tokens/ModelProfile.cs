namespace Tokengate.Tokens;

/// <summary>What the gateway needs to know about a model to count and check its tokens.</summary>
/// <param name="Encoding">Its tokenizer.</param>
/// <param name="ContextWindow">Prompt plus completion tokens it accepts; null when unknown (no pre-check).</param>
/// <param name="UsesMaxCompletionTokens">True for o-series and gpt-5, which reject <c>max_tokens</c>.</param>
/// <param name="MaxOutputTokens">The most output tokens the model produces per choice; null when unknown (no check).</param>
internal sealed record ModelProfile(TokenEncoding Encoding, int? ContextWindow, bool UsesMaxCompletionTokens, int? MaxOutputTokens = null)
{
    /// <summary>
    /// Built-in knowledge by model name prefix (most specific first). Unknown models count with o200k_base, the
    /// encoding of every current model, and get no context-window pre-check.
    /// </summary>
    public static ModelProfile For(string? model) => model is null ? Unknown : Cache.GetOrAdd(model, Lookup);

    private static readonly ModelProfile Unknown = new(TokenEncoding.O200kBase, null, false);

    // Model names come from configuration only, so the cache stays small.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ModelProfile> Cache = new(StringComparer.OrdinalIgnoreCase);

    private static ModelProfile Lookup(string model)
    {
        var m = model.Trim().ToLowerInvariant();
        if (m.StartsWith("gpt-4.1", StringComparison.Ordinal)) return new(TokenEncoding.O200kBase, 1_047_576, false, 32_768);
        if (m.StartsWith("gpt-4o", StringComparison.Ordinal)) return new(TokenEncoding.O200kBase, 128_000, false, 16_384);
        if (m.StartsWith("gpt-5", StringComparison.Ordinal)) return new(TokenEncoding.O200kBase, 400_000, true, 128_000);
        if (m.StartsWith("o1", StringComparison.Ordinal) || m.StartsWith("o3", StringComparison.Ordinal) || m.StartsWith("o4", StringComparison.Ordinal))
            return new(TokenEncoding.O200kBase, 200_000, true, 100_000);
        if (m.StartsWith("gpt-4-turbo", StringComparison.Ordinal) || m.StartsWith("gpt-4-1106", StringComparison.Ordinal) || m.StartsWith("gpt-4-0125", StringComparison.Ordinal))
            return new(TokenEncoding.Cl100kBase, 128_000, false, 4_096);
        if (m.StartsWith("gpt-4-32k", StringComparison.Ordinal)) return new(TokenEncoding.Cl100kBase, 32_768, false);
        if (m.StartsWith("gpt-4", StringComparison.Ordinal)) return new(TokenEncoding.Cl100kBase, 8_192, false);
        if (m.StartsWith("gpt-35", StringComparison.Ordinal) || m.StartsWith("gpt-3.5", StringComparison.Ordinal)) return new(TokenEncoding.Cl100kBase, 16_385, false, 4_096);
        if (m.StartsWith("text-embedding", StringComparison.Ordinal)) return new(TokenEncoding.Cl100kBase, null, false);
        return Unknown;
    }
}
