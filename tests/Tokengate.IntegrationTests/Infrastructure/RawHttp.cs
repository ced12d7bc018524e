using System.Net.Sockets;
using System.Text;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// HTTP/1.1 written byte for byte over a loopback socket, for requests no HTTP client would send (broken chunk
/// framing, dot segments, oversized request lines and headers). One request per connection.
/// </summary>
internal static class RawHttp
{
    // Only against a hang; no test measures time with it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Writes <paramref name="request"/>, optionally half-closes the socket (the client sends nothing more), and reads
    /// one response. <see cref="RawHttpResponse.Status"/> is null when the server closed without answering.
    /// </summary>
    public static async Task<RawHttpResponse> SendAsync(Uri endpoint, string request, bool endOfInput = false)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        var stream = client.GetStream();
        var bytes = Encoding.Latin1.GetBytes(request);
        try
        {
            await stream.WriteAsync(bytes, timeout.Token);
            if (endOfInput) client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            // The server may refuse and close before it has read everything (a huge header block); its answer is
            // still there to be read.
        }
        return await ReadResponseAsync(stream, timeout.Token);
    }

    private static async Task<RawHttpResponse> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(received)) < 0)
        {
            if (!await ReadSomeAsync(stream, buffer, received, cancellationToken))
                return received.Length == 0 ? RawHttpResponse.NoAnswer : throw new InvalidDataException("The response ended inside its headers.");
        }

        var head = Encoding.Latin1.GetString(received.GetBuffer(), 0, headerEnd);
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var length = headers.TryGetValue("Content-Length", out var declared) ? int.Parse(declared, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var bodyStart = headerEnd + 4;
        while (received.Length - bodyStart < length)
        {
            if (!await ReadSomeAsync(stream, buffer, received, cancellationToken))
                throw new InvalidDataException("The response ended inside its body.");
        }

        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(received.GetBuffer(), bodyStart, length));
    }

    private static async Task<bool> ReadSomeAsync(NetworkStream stream, byte[] buffer, MemoryStream received, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            // A reset after the server's answer counts as the end of it.
            return false;
        }
        if (read == 0) return false;
        received.Write(buffer, 0, read);
        return true;
    }

    private static int IndexOfHeaderEnd(MemoryStream received) =>
        received.GetBuffer().AsSpan(0, (int)received.Length).IndexOf("\r\n\r\n"u8);
}
