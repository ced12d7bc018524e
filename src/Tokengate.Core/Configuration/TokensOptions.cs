namespace Tokengate.Configuration;

/// <summary>How the gateway counts and estimates tokens at admission (<c>Tokengate:Tokens</c>).</summary>
public sealed class TokensOptions
{
    /// <summary>
    /// Output tokens assumed per choice when a request names neither <c>max_tokens</c> nor
    /// <c>max_completion_tokens</c> and no max-tokens policy gives a default. Default 4096.
    /// </summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>
    /// Prompts (messages plus tools) up to this many UTF-8 bytes are counted exactly at admission (≈0.1 ms per
    /// 1,000 tokens); larger ones are estimated from their size and counted exactly only when the estimate decides
    /// a rejection. Default 0: every prompt is estimated, which keeps tokenizing off the hot path (the estimate is
    /// high on purpose and every reservation is settled to the backend's real usage afterwards).
    /// </summary>
    public int ExactCountMaxBytes { get; set; }

    /// <summary>
    /// UTF-8 bytes per token assumed when estimating a large prompt. English prose averages about 4.4, so the
    /// default 3 over-estimates it by about a third, which errs on the safe side of every limit; the reservation
    /// is settled to the real usage afterwards. Default 3.
    /// </summary>
    public double EstimateBytesPerToken { get; set; } = 3;

    /// <summary>
    /// Context windows by backend model name, overriding the built-in table (e.g. <c>gpt-4o: 128000</c>).
    /// Default: none.
    /// </summary>
    public Dictionary<string, int> ContextWindows { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The most output tokens per choice by backend model name, overriding the built-in table (e.g.
    /// <c>gpt-4o: 16384</c>). A request asking for more gets 400 from the gateway, as the service would answer.
    /// Default: none.
    /// </summary>
    public Dictionary<string, int> MaxOutputTokens { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
