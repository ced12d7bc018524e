namespace Tokengate.Logging;

/// <summary>
/// Set on <c>HttpContext.Features</c> only for requests logged in full: the relay hands it a copy of the
/// non-streaming response body it already holds (streams are assembled by the usage tap as they pass).
/// </summary>
internal sealed class ResponseCapture
{
    public byte[]? Body { get; private set; }

    public void Capture(ReadOnlySpan<byte> body) => Body = body.ToArray();
}
