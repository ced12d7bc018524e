namespace Tokengate.FineTuning;

/// <summary>A backend's whole answer to a files or fine-tuning call (these bodies are small).</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="RetryAfter">How long the backend asked to be left alone, if it said.</param>
/// <param name="Body">The body's bytes.</param>
internal sealed record BackendReply(int Status, TimeSpan? RetryAfter, byte[] Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
