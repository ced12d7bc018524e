namespace Tokengate.Configuration;

/// <summary>
/// What a request may ask as its output bound (<c>max_tokens</c> / <c>max_completion_tokens</c>). Set for a consumer
/// and for a deployment, the lower cap wins and the consumer's default and action come first.
/// </summary>
public sealed class MaxTokensPolicyOptions
{
    /// <summary>
    /// The bound assumed when the request names none. With a <see cref="Cap"/> it is also written into the body, so
    /// the backend honours the cap. Default: none (the cap when there is one, else
    /// <see cref="TokensOptions.DefaultMaxOutputTokens"/> for the estimate only).
    /// </summary>
    public int? Default { get; set; }

    /// <summary>The highest bound a request may ask. Default: none.</summary>
    public int? Cap { get; set; }

    /// <summary>What happens to a request above the cap. Default <see cref="MaxTokensAction.Clamp"/>.</summary>
    public MaxTokensAction OverCap { get; set; } = MaxTokensAction.Clamp;
}
