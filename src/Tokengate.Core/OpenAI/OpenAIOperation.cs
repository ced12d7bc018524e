namespace Tokengate.OpenAI;

/// <summary>The model operations the gateway forwards.</summary>
public enum OpenAIOperation
{
    /// <summary><c>chat/completions</c></summary>
    ChatCompletions,

    /// <summary><c>completions</c> (legacy)</summary>
    Completions,

    /// <summary><c>embeddings</c></summary>
    Embeddings,
}
