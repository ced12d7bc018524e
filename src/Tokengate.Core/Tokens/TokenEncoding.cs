namespace Tokengate.Tokens;

/// <summary>The tiktoken encodings of the models behind Azure OpenAI (protocol reference §8.1).</summary>
public enum TokenEncoding
{
    /// <summary>gpt-4o, gpt-4.1, o-series, gpt-5 families.</summary>
    O200kBase,

    /// <summary>gpt-4, gpt-4-turbo, gpt-35-turbo, text-embedding-ada-002 and text-embedding-3-*.</summary>
    Cl100kBase,
}
