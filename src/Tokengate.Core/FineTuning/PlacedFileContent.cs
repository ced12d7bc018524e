using System.Net;

namespace Tokengate.FineTuning;

/// <summary>
/// A gateway file's plain bytes as the file part of an upload to a backend: opened (decrypting as it streams) each
/// time the content is sent, so a resend (a backend key switched after a 401) sends it whole again, and never held
/// in memory. Its length is the file's known size.
/// </summary>
internal sealed class PlacedFileContent(Func<CancellationToken, Task<Stream>> open, long bytes) : HttpContent
{
    private const int BufferBytes = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var content = await open(cancellationToken).ConfigureAwait(false);
        await content.CopyToAsync(stream, BufferBytes, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return true;
    }

    private long Length { get; } = bytes;
}
