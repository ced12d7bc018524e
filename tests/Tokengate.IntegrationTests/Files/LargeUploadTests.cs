using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.Files;

/// <summary>
/// A 300 MB file through the Uploads API of a real <c>tokengate up</c> process whose GC heap is capped well below the
/// file's size: the connection is killed in the middle of the fourth part, the client sends only the parts it has no id
/// for, completes with the MD5 of the whole, and reads back the same SHA-256. The process's resident memory is logged
/// after each part; the heap cap is the assertion (a gateway that held the file would die).
/// </summary>
public sealed partial class LargeUploadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Size = 300L * 1024 * 1024;
    private const int PartSize = 64 * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-large-upload-").FullName;
    private TokengateProcess _up = null!;
    private HttpClient _client = null!;
    private Uri _endpoint = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        // 192 MiB of GC heap for the gateway and its three simulators, a 300 MB upload and a 64 MB part.
        _up = TokengateProcess.Start(_folder, [new("DOTNET_GCHeapHardLimit", "0xC000000")], "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await _up.WaitForOutputAsync("Press Ctrl+C to stop.", Deadline);
        _endpoint = new Uri(EndpointLine().Match(_up.StandardOutput).Groups[1].Value + "/");
        _key = KeyLine().Match(_up.StandardOutput).Groups[1].Value;
        _client = new HttpClient { BaseAddress = _endpoint, Timeout = Deadline };
        _client.DefaultRequestHeaders.Add("api-key", _key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
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

    [Fact]
    public async Task Upload300MB_ConnectionKilledInTheFourthPart_ResumedWithTheMissingParts_SameBytesBack_WithinAHeapCap()
    {
        using var created = await _client.PostAsync("openai/v1/uploads", Json(new { filename = "big.bin", purpose = "assistants", bytes = Size, mime_type = "application/octet-stream" }));
        var upload = (await ReadAsync(created)).GetProperty("id").GetString()!;
        var partCount = (int)((Size + PartSize - 1) / PartSize);
        var parts = new string?[partCount];

        for (var i = 0; i < 3; i++)
        {
            parts[i] = await SendPartAsync(upload, i);
            Log($"part {i + 1} stored");
        }

        // The fourth part's connection dies half-way: nothing of it is kept.
        await SendPartAndKillAsync(upload, 3, PartSize / 2);
        Log("part 4 connection killed");
        Assert.False(_up.HasExited, "the gateway died");

        // The client resumes: only the parts it has no id for.
        for (var i = 0; i < partCount; i++) parts[i] ??= await SendPartAsync(upload, i);
        Log("all parts stored");

        var (sha256, md5) = Hashes();
        using var completed = await _client.PostAsync($"openai/v1/uploads/{upload}/complete", Json(new { part_ids = parts, md5 }));
        var file = (await ReadAsync(completed)).GetProperty("file");
        Assert.Equal(Size, file.GetProperty("bytes").GetInt64());
        Log("completed");

        using var content = await _client.GetAsync($"openai/v1/files/{file.GetProperty("id").GetString()}/content", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = await content.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[1024 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }
        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        Log("read back");
    }

    private async Task<string> SendPartAsync(string upload, int index)
    {
        var (offset, length) = Range(index);
        var form = new MultipartFormDataContent { { new StreamContent(new GeneratedStream(offset, length)), "data", $"part{index}" } };
        using var response = await _client.PostAsync($"openai/v1/uploads/{upload}/parts", form);
        return (await ReadAsync(response)).GetProperty("id").GetString()!;
    }

    /// <summary>Sends the part's headers and <paramref name="bytes"/> of it over a raw socket, then resets the connection.</summary>
    private async Task SendPartAndKillAsync(string upload, int index, int bytes)
    {
        var (offset, length) = Range(index);
        const string Boundary = "tg-killed-part";
        var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"data\"; filename=\"part{index}\"\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        var request = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST /openai/v1/uploads/{upload}/parts HTTP/1.1\r\n")
            .Append(CultureInfo.InvariantCulture, $"Host: {_endpoint.Authority}\r\napi-key: {_key}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/form-data; boundary={Boundary}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {head.Length + length + tail.Length}\r\n\r\n")
            .ToString();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_endpoint.Host, _endpoint.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await stream.WriteAsync(head);
        var generated = new GeneratedStream(offset, bytes);
        await generated.CopyToAsync(stream);
        tcp.Client.LingerState = new LingerOption(true, 0);  // a reset, as when a network drops
        tcp.Client.Close();
    }

    private static (long Offset, int Length) Range(int index)
    {
        var offset = (long)index * PartSize;
        return (offset, (int)Math.Min(PartSize, Size - offset));
    }

    private static (string Sha256, string Md5) Hashes()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var all = new GeneratedStream(0, Size);
        var buffer = new byte[1024 * 1024];
        int read;
        while ((read = all.Read(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    private void Log(string step)
    {
        var rss = File.ReadLines($"/proc/{_up.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        output.WriteLine($"{step}: gateway {rss.Replace("\t", " ", StringComparison.Ordinal)}");
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"API key\s+(tg_dev_\S+)")]
    private static partial Regex KeyLine();

    /// <summary>The bytes of the test file from <c>offset</c>, made on the fly (a xorshift of the position), never held.</summary>
    private sealed class GeneratedStream(long offset, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset1, int count) => Read(buffer.AsSpan(offset1, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position) & ~7;
            if (count == 0 && length - _position > 0) count = (int)(length - _position);
            for (var i = 0; i + 8 <= count; i += 8)
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], Word((offset + _position + i) / 8));
            for (var i = count & ~7; i < count; i++) buffer[i] = (byte)(Word((offset + _position + i) / 8) >> (int)(8 * ((offset + _position + i) % 8)));
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset1, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset1, count));

        private static ulong Word(long index)
        {
            var x = (ulong)index * 0x9E3779B97F4A7C15UL + 1;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            return x;
        }

        public override void Flush() { }
        public override long Seek(long offset1, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset1, int count) => throw new NotSupportedException();
    }
}
