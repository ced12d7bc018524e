namespace Tokengate.Configuration;

/// <summary>A model's price in USD per 1M tokens.</summary>
public sealed class ModelPriceOptions
{
    /// <summary>Prompt tokens. Required.</summary>
    public decimal Input { get; set; }

    /// <summary>Prompt tokens served from the prompt cache. Default: the input price.</summary>
    public decimal? CachedInput { get; set; }

    /// <summary>Completion tokens (reasoning included). Default 0 (embeddings).</summary>
    public decimal Output { get; set; }
}
