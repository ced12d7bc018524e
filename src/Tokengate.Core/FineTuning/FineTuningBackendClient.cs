using System.Net;
using System.Net.Http.Headers;
using Tokengate.Proxy;
using Tokengate.Routing;

namespace Tokengate.FineTuning;

/// <summary>
/// Sends one files or fine-tuning call to a backend through the gateway's one outbound client, with the backend's
/// credential, and reads its answer whole. Connection failures and timeouts are thrown, for the caller to classify.
/// </summary>
internal sealed class FineTuningBackendClient(OutboundHttpClient client, TimeProvider time)
{
    /// <summary>Largest answer read from a backend (a page of events is far smaller).</summary>
    private const int MaxReplyBytes = 8 * 1024 * 1024;

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public async Task<BackendReply> SendAsync(Backend backend, HttpMethod method, Uri uri, HttpContent? content, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        await backend.Credential.ApplyAsync(request, linked.Token).ConfigureAwait(false);
        using var response = await client.SendAsync(request, linked.Token).ConfigureAwait(false);
        var body = await ReadAsync(response, linked.Token).ConfigureAwait(false);
        return new BackendReply((int)response.StatusCode, RetryAfter.From(response.Headers, time.GetUtcNow()), body);
    }

    /// <summary>
    /// A GET whose answer may be large (a batch's output file): the response with its body unread, for the caller to
    /// stream and dispose; <paramref name="cancellationToken"/> bounds the whole download.
    /// </summary>
    public async Task<HttpResponseMessage> OpenAsync(Backend backend, Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        await backend.Credential.ApplyAsync(request, cancellationToken).ConfigureAwait(false);
        return await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A JSON body for a backend.</summary>
    public static HttpContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return content;
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxReplyBytes) throw new HttpRequestException($"The backend's answer is larger than {MaxReplyBytes} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
