namespace Tokengate.OpenAI;

/// <summary>
/// The few body fields the gateway acts on, read in one pass without building a DOM. The body itself is
/// forwarded as received unless a policy must change it. Offsets are byte positions in the body; a length of 0
/// means the field is absent.
/// </summary>
internal struct ParsedRequest
{
    /// <summary>The body's <c>model</c> value, when present.</summary>
    public string? Model;

    /// <summary>Byte offset and length of the <c>model</c> value's JSON string token (quotes included).</summary>
    public int ModelTokenStart;
    public int ModelTokenLength;

    public bool Stream;
    public bool IncludeUsage;
    public int? MaxTokens;
    public int? MaxCompletionTokens;
    public int N;

    /// <summary>Just after the top-level <c>{</c>: where the gateway inserts a member the body lacks.</summary>
    public int InsertAt;

    /// <summary>The prompt's value: <c>messages</c> (chat), <c>prompt</c> (completions) or <c>input</c> (embeddings).</summary>
    public int PromptStart;
    public int PromptLength;

    /// <summary>The <c>tools</c> (or legacy <c>functions</c>) value, counted toward the prompt.</summary>
    public int ToolsStart;
    public int ToolsLength;

    public int MaxTokensStart;
    public int MaxTokensLength;
    public int MaxCompletionTokensStart;
    public int MaxCompletionTokensLength;

    /// <summary>The <c>stream_options</c> value and, inside it, the <c>include_usage</c> value.</summary>
    public int StreamOptionsStart;
    public int StreamOptionsLength;
    public int IncludeUsageStart;
    public int IncludeUsageLength;

    /// <summary>The output bound the consumer asked for: <c>max_completion_tokens</c> wins over <c>max_tokens</c>.</summary>
    public readonly int? RequestedMaxOutput => MaxCompletionTokens ?? MaxTokens;
}
