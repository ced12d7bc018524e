using System.Net;
using System.Text;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Media;

/// <summary>
/// Image and audio requests through <c>tokengate up</c> with a plain HTTP client: bad input answered by the gateway in
/// the Azure shape, scopes, failover when an image deployment runs out of requests, and the ledger's measured units.
/// </summary>
public sealed class MediaRequestTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    private HttpRequestMessage Upload(string path, params (string Name, HttpContent Content, string? FileName)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content, fileName) in parts)
        {
            if (fileName is null) form.Add(content, name);
            else form.Add(content, name, fileName);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Add("api-key", _up.Key);
        return request;
    }

    private static (string, HttpContent, string?) Text(string name, string value) => (name, new StringContent(value), null);

    private static (string, HttpContent, string?) File(string name, byte[] bytes, string fileName) => (name, new ByteArrayContent(bytes), fileName);

    [Fact]
    public async Task Transcription_WithoutModelOnV1_400MissingModel()
    {
        using var response = await _up.Client.SendAsync(Upload("openai/v1/audio/transcriptions", File("file", Fixtures.Wav(1), "a.wav")));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "missing_model");
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Transcription_WrongExtension_400NamingTheFormats_NothingForwarded()
    {
        using var response = await _up.Client.SendAsync(Upload("openai/v1/audio/transcriptions", Text("model", "whisper"), File("file", Fixtures.Wav(1), "notes.txt")));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("Invalid file format", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("file", error.GetProperty("param").GetString());
        Assert.All(_up.Environment.Backends, b => Assert.Equal(0, b.Server.Control.GetStats("whisper").RequestsReceived));
    }

    [Fact]
    public async Task Transcription_WithoutFile_400()
    {
        using var response = await _up.Client.SendAsync(Upload("openai/deployments/whisper/audio/transcriptions?api-version=2024-10-21", Text("language", "en")));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("file", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Transcription_NotMultipart_400()
    {
        using var request = GatewayRequests.Post("openai/v1/audio/transcriptions", _up.Key, """{"model":"whisper"}""");
        using var response = await _up.Client.SendAsync(request);
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("multipart/form-data", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcription_BrokenFraming_400_AndTheNextRequestIsServed()
    {
        using var broken = new HttpRequestMessage(HttpMethod.Post, "openai/v1/audio/transcriptions")
        {
            Content = new StringContent("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF"),
        };
        broken.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        broken.Headers.Add("api-key", _up.Key);
        using var response = await _up.Client.SendAsync(broken);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");

        using var next = await _up.Client.SendAsync(Upload("openai/v1/audio/transcriptions", Text("model", "whisper"), File("file", Fixtures.Wav(1), "a.wav")));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task ImageDeployments_OneRequestAMinuteEach_FailoverServesThree_TheFourthGets429WithRetryAfter_DallEPricedPerImage()
    {
        foreach (var backend in _up.Environment.Backends) backend.Server.Control.Update("dall-e-3", o => o.RequestsPerMinute = 1);
        HttpRequestMessage Generate() => GatewayRequests.Post("openai/deployments/dall-e-3/images/generations?api-version=2024-10-21", _up.Key,
            """{"prompt":"a lighthouse","size":"1792x1024","quality":"hd","response_format":"b64_json"}""");
        for (var i = 0; i < 3; i++)
        {
            using var response = await _up.Client.SendAsync(Generate());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var refused = await _up.Client.SendAsync(Generate()))
        {
            await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.TooManyRequests, "429");
            Assert.True(int.Parse(refused.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        }

        Assert.All(_up.Environment.Backends, b => Assert.Equal(1, b.Server.Control.GetStats("dall-e-3").Images));
        var rows = await LedgerAsync("dall-e-3", 3);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal((1L, 120_000_000L, "Measured"), (r.Images, r.CostNanoUsd, r.Source)));  // hd 1792x1024: $0.12
    }

    [Fact]
    public async Task Speech_TtsCharacters_MeasuredAndPriced()
    {
        const string Input = "Bonjour à tous — ünïcödé counts as characters.";
        using var request = GatewayRequests.Post("openai/deployments/tts/audio/speech?api-version=2025-04-01-preview", _up.Key,
            $$"""{"input":"{{Input}}","voice":"alloy","response_format":"mp3"}""");
        using var response = await _up.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);

        var row = Assert.Single(await LedgerAsync("tts", 1));
        Assert.Equal(Input.EnumerateRunes().Count(), row.Characters);
        Assert.Equal(_up.Environment.Backends.Sum(b => b.Server.Control.GetStats("tts").Characters), row.Characters);
        Assert.Equal(row.Characters * 15_000L, row.CostNanoUsd);  // $15 per 1M characters
    }

    [Fact]
    public async Task Translation_Srt_RelayedAsText_SecondsMeasuredFromTheWavHeader()
    {
        using var response = await _up.Client.SendAsync(Upload("openai/deployments/whisper/audio/translations?api-version=2024-10-21",
            File("file", Fixtures.Wav(2.4), "bonjour.wav"), Text("response_format", "srt")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("-->", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var row = Assert.Single(await LedgerAsync("whisper", 1));
        Assert.Equal("Measured", row.Source);
        Assert.Equal(3_000, row.AudioMs);                      // 2.4 s, billed by the whole second
        Assert.Equal(3 * 100_000L, row.CostNanoUsd);           // $0.006 a minute
        Assert.Equal(3.0, _up.Environment.Backends.Sum(b => b.Server.Control.GetStats("whisper").AudioSeconds));
    }

    private async Task<List<(long Images, long Characters, long CostNanoUsd, string Source, long AudioMs)>> LedgerAsync(string deployment, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_up.DataDirectory, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT images, characters, cost_nanousd, usage_source, audio_ms FROM usage_ledger WHERE deployment = @d AND status = 200 ORDER BY id";
            command.Parameters.AddWithValue("@d", deployment);
            var rows = new List<(long, long, long, string, long)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4)));
            }
            if (rows.Count >= count || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(50);
        }
    }
}
