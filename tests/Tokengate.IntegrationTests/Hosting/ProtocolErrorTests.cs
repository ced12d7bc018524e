using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Secrets;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Hosting;

/// <summary>
/// Requests broken at the HTTP level, written byte for byte to the gateway's real Kestrel on loopback: each gets the
/// right status, an Azure-shaped body wherever the gateway's own code sees the request, nothing above Debug and no
/// stack trace in the log, and the gateway serves the next good request.
/// </summary>
public sealed class ProtocolErrorTests : IAsyncLifetime
{
    private const string Key = "tg_protocol-errors-key";
    private const string OperatorKey = "tg_protocol-errors-operator";
    private const string ChatPath = "/openai/deployments/chat/chat/completions?api-version=2024-10-21";
    private readonly CapturingLoggerProvider _logs = new();
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-protocol-");
    private SimulatorServer _simulator = null!;
    private GatewayServer _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _simulator = await TestBackends.StartAsync();
        // A key of its own, as production has: without one the gateway warns that it made a default key.
        Tokengate.Encryption.LocalKeyFile.Create(_data.FullName + "-kek.key");
        _gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = _data.FullName,
                ["Tokengate:Encryption:LocalKeys:kek-1"] = _data.FullName + "-kek.key",
                ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
                ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
                ["Tokengate:Consumers:ops:Roles:0"] = "operator",
                // The gateway's own events down to Debug, so the refusals' log lines are seen; ASP.NET Core keeps the
                // product's default (Warning).
                ["Logging:LogLevel:Tokengate"] = "Debug",
            }.Concat(TestBackends.Backend("chat", 0, "sim", _simulator)));
            b.Logging.AddProvider(_logs);
        });
        _client = new HttpClient { BaseAddress = _gateway.Endpoint };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _simulator.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        File.Delete(_data.FullName + "-kek.key");
    }

    [Theory]
    [InlineData("zz\r\n{}\r\n0\r\n\r\n", "Bad chunk size data.")]        // not hex
    [InlineData("2\r\n{}XX0\r\n\r\n", "Bad chunk suffix.")]               // no CRLF after the data
    public async Task Chat_MalformedChunkFraming_400AzureShape(string chunks, string message)
    {
        var response = await RawHttp.SendAsync(_gateway.Endpoint, Post(ChatPath, chunks));

        Assert.Equal(400, response.Status);
        var error = response.AzureError();
        Assert.Equal("invalid_request_error", error.GetProperty("code").GetString());
        Assert.Equal(message, error.GetProperty("message").GetString());
        await AssertQuietAndServingAsync(expectRefusal: true);
    }

    [Theory]
    [InlineData("80000000")]              // one past int.MaxValue
    [InlineData("FFFFFFFFFFFFFFFFFFFF")]  // far past any integer
    public async Task Chat_ChunkSizeOverflowingAnInteger_400NotA500(string size)
    {
        // Kestrel reports this one as a bare IOException rather than BadHttpRequestException.
        var response = await RawHttp.SendAsync(_gateway.Endpoint, Post(ChatPath, $"{size}\r\n{{}}\r\n0\r\n\r\n"));

        Assert.Equal(400, response.Status);
        var error = response.AzureError();
        Assert.Equal("invalid_request_error", error.GetProperty("code").GetString());
        Assert.Equal("Bad chunk size data.", error.GetProperty("message").GetString());
        await AssertQuietAndServingAsync(expectRefusal: true);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("80000000")]
    public async Task AdminApi_BadChunkSize_400AzureShape(string size)
    {
        // Operator endpoints read their own bodies, outside the model routes' error boundary.
        var request = $"POST /admin/consumers HTTP/1.1\r\nHost: localhost\r\napi-key: {OperatorKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\n{{}}\r\n0\r\n\r\n";
        var response = await RawHttp.SendAsync(_gateway.Endpoint, request);

        Assert.Equal(400, response.Status);
        Assert.Equal("Bad chunk size data.", response.AzureError().GetProperty("message").GetString());
        await AssertQuietAndServingAsync(expectRefusal: false);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("Request body on /admin/consumers refused with 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chat_ChunkedBodyCutShort_ConnectionClosedQuietly()
    {
        // The client promises 64 bytes, sends 12 and closes its side: nobody is left to read an answer.
        var response = await RawHttp.SendAsync(_gateway.Endpoint, Post(ChatPath, "40\r\n{\"messages\":"), endOfInput: true);

        Assert.True(response.Status is null or 400, $"status {response.Status}");
        if (response.Status is not null) response.AzureError();
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Fact]
    public async Task Chat_ContentLengthBodyCutShort_ConnectionClosedQuietly()
    {
        var request = $"POST {ChatPath} HTTP/1.1\r\nHost: localhost\r\napi-key: {Key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"messages\":";
        var response = await RawHttp.SendAsync(_gateway.Endpoint, request, endOfInput: true);

        Assert.True(response.Status is null or 400, $"status {response.Status}");
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Theory]
    [InlineData("/openai/../x")]                     // Kestrel removes the dot segments: /x
    [InlineData("/openai/%2e%2e/x")]                 // encoded dot segments are decoded first, then removed: /x
    [InlineData("/openai/%2E%2E/%2e%2E/healthz/x")]  // /healthz/x
    [InlineData("//openai")]
    [InlineData("/openai/%zz")]                      // invalid percent-encoding is kept as written
    [InlineData("/openai/deployments/chat/%2e%2e/%2e%2e/x")]
    [InlineData("/openai/deployments/..%2F..%2Fadmin/chat/completions?api-version=2024-10-21")]  // %2F stays encoded
    [InlineData("/no/such/path")]
    public async Task Request_PathServedByNothing_404ResourceNotFound(string path)
    {
        var response = await RawHttp.SendAsync(_gateway.Endpoint, $"GET {path} HTTP/1.1\r\nHost: localhost\r\napi-key: {Key}\r\n\r\n");

        Assert.Equal(404, response.Status);
        var error = response.AzureError();
        Assert.Contains(error.GetProperty("code").GetString(), new[] { "404", "DeploymentNotFound" });
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Fact]
    public async Task Post_ToGetOnlyRoute_405AzureShapeWithAllow()
    {
        var response = await RawHttp.SendAsync(_gateway.Endpoint, "POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(405, response.Status);
        Assert.Equal("405", response.AzureError().GetProperty("code").GetString());
        Assert.Equal("GET", response.Headers["Allow"]);
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Fact]
    public async Task Request_UriLongerThanKestrelAllows_414FromKestrel()
    {
        // Kestrel refuses a request line over 8 KiB before any application code runs; it writes the status alone.
        var response = await RawHttp.SendAsync(_gateway.Endpoint, $"GET /openai/{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(414, response.Status);
        Assert.Equal("", response.Body);
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Theory]
    [InlineData(40 * 1024, 1)]  // over 32 KiB of headers
    [InlineData(10, 150)]       // over 100 headers
    public async Task Request_HeadersLargerThanKestrelAllows_431FromKestrel(int size, int count)
    {
        var headers = string.Concat(Enumerable.Range(0, count).Select(i => $"x-h{i}: {new string('a', size)}\r\n"));
        var response = await RawHttp.SendAsync(_gateway.Endpoint, $"POST {ChatPath} HTTP/1.1\r\nHost: localhost\r\napi-key: {Key}\r\n{headers}Content-Length: 2\r\n\r\n{{}}");

        Assert.Equal(431, response.Status);
        Assert.Equal("", response.Body);
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    [Theory]
    [InlineData("GET  HTTP/1.1", 400)]
    [InlineData("G@T /healthz HTTP/1.1", 400)]
    [InlineData("GET /healthz", 400)]
    [InlineData("GET /healthz HTTP/1.1\r\nno colon in this header", 400)]
    [InlineData("GET /healthz HTTP/9.9", 505)]
    public async Task Request_BadRequestLineOrHeaderLine_RefusedByKestrel(string line, int status)
    {
        var response = await RawHttp.SendAsync(_gateway.Endpoint, $"{line}\r\nHost: localhost\r\n\r\n");

        Assert.Equal(status, response.Status);
        Assert.Equal("", response.Body);
        await AssertQuietAndServingAsync(expectRefusal: false);
    }

    private static string Post(string path, string chunks) =>
        $"POST {path} HTTP/1.1\r\nHost: localhost\r\napi-key: {Key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunks}";

    /// <summary>
    /// A good request still succeeds; the log has no warning, no error and no stack trace, and, when the gateway's
    /// code refused a body, one Debug line saying so.
    /// </summary>
    private async Task AssertQuietAndServingAsync(bool expectRefusal)
    {
        using (var ok = await _client.SendAsync(GatewayRequests.Chat("chat", Key)))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var lines = _logs.Lines;
        Assert.DoesNotContain(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Exception", StringComparison.Ordinal) || l.Contains("\n   at ", StringComparison.Ordinal));
        if (expectRefusal)
            Assert.Contains(lines, l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("Request body on /openai/deployments/chat/chat/completions refused with 400", StringComparison.Ordinal));
    }
}
