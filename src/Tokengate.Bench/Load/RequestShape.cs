namespace Tokengate.Bench.Load;

/// <summary>
/// Size of every request: the prompt's exact token count (as the service reports it in <c>usage.prompt_tokens</c>)
/// and the <c>max_tokens</c> asked for. The named shapes follow the Azure OpenAI benchmarking tool.
/// </summary>
internal sealed record RequestShape(string Name, int ContextTokens, int MaxTokens)
{
    /// <summary>Largest prompt the tool builds; beyond any current model's context window.</summary>
    public const int MaxContextTokens = 1_000_000;

    /// <summary>Largest <c>max_tokens</c> the tool asks for.</summary>
    public const int MaxGenerationTokens = 200_000;

    public static readonly IReadOnlyList<string> Names = ["balanced", "context", "generation", "custom"];

    /// <summary>
    /// The named shape; <c>custom</c> takes both sizes from the caller, the others take an override of either.
    /// Returns null with a message for an unknown name or a size out of range.
    /// </summary>
    public static RequestShape? Resolve(string name, int? contextTokens, int? maxTokens, out string? error)
    {
        error = null;
        (int Context, int Max)? preset = name.ToLowerInvariant() switch
        {
            "balanced" => (500, 500),
            "context" => (2000, 200),
            "generation" => (500, 1000),
            "custom" => null,
            _ => (-1, -1),
        };
        if (preset is (-1, -1))
        {
            error = $"Unknown shape '{name}'. Use one of: {string.Join(", ", Names)}.";
            return null;
        }

        if (preset is null && (contextTokens is null || maxTokens is null))
        {
            error = "The custom shape needs both --context-tokens and --max-tokens.";
            return null;
        }

        var context = contextTokens ?? preset!.Value.Context;
        var max = maxTokens ?? preset!.Value.Max;
        if (context is < 1 or > MaxContextTokens)
        {
            error = $"--context-tokens must be between 1 and {MaxContextTokens}.";
            return null;
        }

        if (max is < 1 or > MaxGenerationTokens)
        {
            error = $"--max-tokens must be between 1 and {MaxGenerationTokens}.";
            return null;
        }

        return new RequestShape(name.ToLowerInvariant(), context, max);
    }
}
