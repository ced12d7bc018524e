using Tokengate.Configuration;
using Tokengate.Hosting;

namespace Tokengate.Tokens;

/// <summary>
/// Counts a request's prompt for admission: exactly when it is small, from its size when it is large (a 128k-token
/// prompt must be admitted in well under a millisecond, and exact counting of it costs 20–30 ms), and exactly with
/// an early stop when an estimate is about to decide a rejection.
/// </summary>
internal sealed class TokenCounter(TokenizerRegistry tokenizers)
{
    public PromptEstimate Estimate(GatewayRequestFeature feature, ModelProfile profile, TokensOptions options)
    {
        var parsed = feature.Parsed;
        var bytes = parsed.PromptLength + parsed.ToolsLength + parsed.InstructionsLength;
        if (bytes <= options.ExactCountMaxBytes) return new(Count(feature, profile), Exact: true);
        return new((int)Math.Min(int.MaxValue, Math.Ceiling(bytes / options.EstimateBytesPerToken)), Exact: false);
    }

    /// <summary>The exact prompt count; once it passes <paramref name="stopAbove"/> the result is only known to be larger.</summary>
    public int Count(GatewayRequestFeature feature, ModelProfile profile, int stopAbove = int.MaxValue)
    {
        var parsed = feature.Parsed;
        var body = feature.Body.Span;
        return PromptTokenCounter.Count(
            tokenizers.Get(profile.Encoding),
            feature.Route.Operation.Prompt,
            body.Slice(parsed.PromptStart, parsed.PromptLength),
            body.Slice(parsed.ToolsStart, parsed.ToolsLength),
            stopAbove,
            body.Slice(parsed.InstructionsStart, parsed.InstructionsLength));
    }

    public int CountText(ReadOnlySpan<char> text, TokenEncoding encoding) => text.IsEmpty ? 0 : tokenizers.Get(encoding).CountTokens(text);
}
