using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Media;

/// <summary>
/// Oversized uploads against a real <c>tokengate up</c> process: refused with 413 without the gateway reading them,
/// its memory flat, and the process serving the next request.
/// </summary>
public sealed partial class UploadLimitTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const long Upload = 200L * 1024 * 1024;
    private const long Limit = 25L * 1024 * 1024;
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-upload-").FullName;
    private TokengateProcess _up = null!;
    private Uri _endpoint = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _up = TokengateProcess.Start(_folder, "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await _up.WaitForOutputAsync("Press Ctrl+C to stop.", Deadline);
        _endpoint = new Uri(EndpointLine().Match(_up.StandardOutput).Groups[1].Value + "/");
        _key = KeyLine().Match(_up.StandardOutput).Groups[1].Value;
    }

    public async Task DisposeAsync()
    {
        await _up.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upload200MB_Against25MBLimit_413WithoutReadingIt_MemoryFlat_ProcessKeepsServing(bool chunked)
    {
        using var client = new HttpClient { BaseAddress = _endpoint };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Transcription())).StatusCode);  // warm: buffers and code paths in use
        var before = ResidentBytes(_up.Id);

        var (status, body, sent) = await SendOversizedAsync(chunked);

        Assert.Equal(413, status);
        Assert.Contains("RequestEntityTooLarge", body, StringComparison.Ordinal);
        // The gateway stopped reading long before the end: with a Content-Length, at once; chunked, just past the limit
        // (plus what the sockets' buffers held when it closed).
        Assert.True(sent < Upload / 2, $"the client got {sent:N0} bytes of {Upload:N0} onto the connection before it closed");
        // Memory is bounded by the limit, not by the upload (a chunked body of unknown length is read into pooled
        // buffers that grow up to the limit), and more oversized uploads add nothing: the buffers are reused.
        var first = ResidentBytes(_up.Id);
        Assert.True(first - before < 3 * Limit, $"the gateway's resident memory grew by {first - before:N0} bytes for one upload");
        for (var i = 0; i < 3; i++) Assert.Equal(413, (await SendOversizedAsync(chunked)).Status);
        var grown = ResidentBytes(_up.Id) - first;
        Assert.True(grown < Limit, $"three more oversized uploads grew the gateway's resident memory by {grown:N0} bytes");

        using var next = await client.SendAsync(Transcription());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    /// <summary>A small transcription of a WAV file, the request a client sends when all is well.</summary>
    private HttpRequestMessage Transcription()
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Fixtures.Wav(1.0)), "file", "hello.wav" },
            { new StringContent("whisper"), "model" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/audio/transcriptions") { Content = form };
        request.Headers.Add("api-key", _key);
        return request;
    }

    /// <summary>
    /// Writes an upload of <see cref="Upload"/> bytes over a raw socket until the server answers or closes; the
    /// answer's status and body, and how many body bytes got onto the connection.
    /// </summary>
    private async Task<(int Status, string Body, long Sent)> SendOversizedAsync(bool chunked)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_endpoint.Host, _endpoint.Port, timeout.Token);
        var stream = tcp.GetStream();
        const string Boundary = "tg-upload-limit";
        var head = new StringBuilder()
            .Append("POST /openai/v1/audio/transcriptions HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {_endpoint.Authority}\r\n")
            .Append(CultureInfo.InvariantCulture, $"api-key: {_key}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/form-data; boundary={Boundary}\r\n")
            .Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {Upload}\r\n")
            .Append("\r\n")
            .ToString();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);

        var response = ReadResponseAsync(stream, timeout.Token);
        var chunk = new byte[256 * 1024];
        Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n\r\n").CopyTo(chunk, 0);
        var chunkHeader = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        long sent = 0;
        try
        {
            while (sent < Upload && !response.IsCompleted)
            {
                if (chunked) await stream.WriteAsync(chunkHeader, timeout.Token);
                await stream.WriteAsync(chunk, timeout.Token);
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            // The server closed the connection after answering: the rest is never sent.
        }
        var (status, body) = await response;
        return (status, body, sent);
    }

    private static async Task<(int Status, string Body)> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException)
            {
                read = 0;  // reset after the answer
            }
            if (read == 0) break;
            received.Write(buffer, 0, read);
            var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) continue;
            var length = Regex.Match(text, @"(?im)^content-length:\s*(\d+)") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (received.Length >= end + 4 + length) break;
        }
        var all = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
        var status = all.Length > 12 ? int.Parse(all.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        return (status, all);
    }

    /// <summary>The process's resident set (VmRSS), in bytes.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"API key\s+(tg_dev_\S+)")]
    private static partial Regex KeyLine();
}
