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

    /// <summary>Responses' output bound (reasoning included).</summary>
    public int? MaxOutputTokens;
    public int N;

    /// <summary>Responses: the stored response this one continues, if any.</summary>
    public string? PreviousResponseId;

    /// <summary>Responses: <c>store</c> as sent (null: the service's default, true).</summary>
    public bool? Store;

    /// <summary>Responses: run as a background job.</summary>
    public bool Background;

    /// <summary>Images: the <c>size</c> and <c>quality</c> asked for (prices per image depend on them).</summary>
    public string? ImageSize;
    public string? ImageQuality;

    /// <summary>Audio uploads: the file part's name and where its bytes lie in the body.</summary>
    public string? FileName;
    public int FileStart;
    public int FileLength;

    /// <summary>The <c>service_tier</c> the consumer asked for (null: none, or JSON null).</summary>
    public string? ServiceTier;

    /// <summary>
    /// Where the <c>service_tier</c> member starts (its name's opening quote), and its value's offset and length
    /// (length 0: absent); a per-backend edit replaces the value or removes the member.
    /// </summary>
    public int ServiceTierMemberStart;
    public int ServiceTierStart;
    public int ServiceTierLength;

    /// <summary>Just after the top-level <c>{</c>: where the gateway inserts a member the body lacks.</summary>
    public int InsertAt;

    /// <summary>The prompt's value: <c>messages</c> (chat), <c>prompt</c> (completions) or <c>input</c> (embeddings).</summary>
    public int PromptStart;
    public int PromptLength;

    /// <summary>The <c>tools</c> (or legacy <c>functions</c>) value, counted toward the prompt.</summary>
    public int ToolsStart;
    public int ToolsLength;

    /// <summary>Responses' <c>instructions</c> value, counted toward the prompt.</summary>
    public int InstructionsStart;
    public int InstructionsLength;

    public int MaxTokensStart;
    public int MaxTokensLength;
    public int MaxCompletionTokensStart;
    public int MaxCompletionTokensLength;
    public int MaxOutputTokensStart;
    public int MaxOutputTokensLength;

    /// <summary>The <c>stream_options</c> value and, inside it, the <c>include_usage</c> value.</summary>
    public int StreamOptionsStart;
    public int StreamOptionsLength;
    public int IncludeUsageStart;
    public int IncludeUsageLength;

    /// <summary>
    /// The output bound the consumer asked for through the first of <paramref name="fields"/> present (an operation's
    /// bound fields, in the order the service honours them), and that field's name.
    /// </summary>
    public readonly (int? Value, string? Field) RequestedMaxOutput(IReadOnlyList<string> fields)
    {
        foreach (var field in fields)
        {
            var value = field switch
            {
                "max_completion_tokens" => MaxCompletionTokens,
                "max_tokens" => MaxTokens,
                "max_output_tokens" => MaxOutputTokens,
                _ => throw new ArgumentException($"'{field}' is not an output bound the parser reads.", nameof(fields)),
            };
            if (value is not null) return (value, field);
        }
        return (null, null);
    }
}
