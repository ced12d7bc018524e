namespace Tokengate.OpenAI;

/// <summary>
/// The few body fields the gateway acts on, read in one pass without building a DOM. The body itself is
/// forwarded as received unless a policy must change it.
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
}
