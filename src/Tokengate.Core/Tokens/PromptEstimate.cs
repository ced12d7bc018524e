namespace Tokengate.Tokens;

/// <summary>Prompt tokens as known at admission.</summary>
/// <param name="Tokens">The count, or an over-estimate when not <paramref name="Exact"/>.</param>
/// <param name="Exact">True when counted with the tokenizer.</param>
internal readonly record struct PromptEstimate(int Tokens, bool Exact);
