using System.ClientModel;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.AI.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Files;
using static Tokengate.IntegrationTests.Simulator.ResourceHarness;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Files and Uploads of the simulated resource, through the SDKs and raw HTTP.</summary>
public sealed class FilesTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(time: _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Files_RoundTrip_WithOpenAIFileClient()
    {
        var client = new OpenAIClient(new ApiKeyCredential(SimulatorHarness.Key), new OpenAIClientOptions { Endpoint = new Uri(_sim.Server.Endpoint, "openai/v1/") })
            .GetOpenAIFileClient();
        var bytes = Encoding.UTF8.GetBytes("{\"custom_id\":\"1\"}\n{\"custom_id\":\"2\"}\n");

        OpenAIFile created = await client.UploadFileAsync(BinaryData.FromBytes(bytes), "batch.jsonl", FileUploadPurpose.Batch);
        Assert.StartsWith("file-", created.Id, StringComparison.Ordinal);
        Assert.Equal(bytes.Length, created.SizeInBytes);
        Assert.Equal("batch.jsonl", created.Filename);
        Assert.Equal(FilePurpose.Batch, created.Purpose);
        Assert.Equal(_time.GetUtcNow(), created.CreatedAt);

        OpenAIFileCollection listed = await client.GetFilesAsync();
        Assert.Contains(listed, f => f.Id == created.Id);
        OpenAIFile retrieved = await client.GetFileAsync(created.Id);
        Assert.Equal(created.Id, retrieved.Id);
        BinaryData content = await client.DownloadFileAsync(created.Id);
        Assert.Equal(bytes, content.ToArray());

        FileDeletionResult deleted = await client.DeleteFileAsync(created.Id);
        Assert.True(deleted.Deleted);
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetFileAsync(created.Id));
        Assert.Equal(404, missing.Status);
        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Get, $"{V1}/files/{created.Id}/content")).Status);
        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Delete, $"{V1}/files/{created.Id}")).Status);
    }

    [Fact]
    public async Task Files_AzureClient_ClassicRouteCreatesWith201AndLocation()
    {
        var azure = new AzureOpenAIClient(_sim.Server.Endpoint, new ApiKeyCredential(SimulatorHarness.Key)).GetOpenAIFileClient();
        OpenAIFile created = await azure.UploadFileAsync(BinaryData.FromString(ChatJsonl()), "train.jsonl", FileUploadPurpose.FineTune);
        Assert.Equal(FilePurpose.FineTune, created.Purpose);

        using var request = new HttpRequestMessage(HttpMethod.Post, Classic("files")) { Content = FileForm([1, 2, 3], "a.bin", "user_data") };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(new Uri(_sim.Server.Endpoint, $"openai/files/{Id(body)}?api-version={SimulatorHarness.ApiVersion}"), response.Headers.Location);
        Assert.Equal("file", body.GetProperty("object").GetString());
        Assert.Equal(3, body.GetProperty("bytes").GetInt32());
        Assert.Equal("processed", Status(body));

        // No api-version on a dated route: Azure's 404; no key: 401.
        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Get, "openai/files")).Status);
        using var anonymous = await _sim.Http.GetAsync(Classic("files"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Files_List_FiltersByPurposeAndPages()
    {
        var first = Id(await UploadAsync(_sim, ChatJsonl()));
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = Id(await UploadAsync(_sim, "{}\n", "batch", "b.jsonl"));
        _time.Advance(TimeSpan.FromSeconds(1));
        var third = Id(await UploadAsync(_sim, ChatJsonl()));

        var all = await OkAsync(_sim, HttpMethod.Get, V1 + "/files");
        Assert.Equal([third, second, first], Ids(all));
        var tuning = await OkAsync(_sim, HttpMethod.Get, Classic("files?purpose=fine-tune"));
        Assert.Equal([third, first], Ids(tuning));

        var page1 = await OkAsync(_sim, HttpMethod.Get, V1 + "/files?limit=2&order=asc");
        Assert.Equal([first, second], Ids(page1));
        Assert.True(page1.GetProperty("has_more").GetBoolean());
        var page2 = await OkAsync(_sim, HttpMethod.Get, $"{V1}/files?limit=2&order=asc&after={second}");
        Assert.Equal([third], Ids(page2));
        Assert.False(page2.GetProperty("has_more").GetBoolean());

        var (status, error) = await SendAsync(_sim, HttpMethod.Get, V1 + "/files?order=sideways");
        Assert.Equal(400, status);
        Assert.Equal("order", error.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Files_FineTuneFile_PendingThenProcessed_OrErrorWithDetails()
    {
        var good = await UploadAsync(_sim, ChatJsonl());
        var bad = await UploadAsync(_sim, "{\"messages\":[]}\nnot json\n");
        Assert.Equal("pending", Status(good));
        Assert.Equal("pending", Status(bad));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("processed", Status(await OkAsync(_sim, HttpMethod.Get, $"{V1}/files/{Id(good)}")));
        var failed = await OkAsync(_sim, HttpMethod.Get, $"{V1}/files/{Id(bad)}");
        Assert.Equal("error", Status(failed));
        Assert.Contains("Line 2", failed.GetProperty("status_details").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_ExpiresAfter_GoneOnceExpired()
    {
        var form = FileForm([42], "x.jsonl", "batch", ("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "1209600"));
        var created = await OkAsync(_sim, HttpMethod.Post, V1 + "/files", content: form);
        Assert.Equal(created.GetProperty("created_at").GetInt64() + 1_209_600, created.GetProperty("expires_at").GetInt64());

        _time.Advance(TimeSpan.FromDays(14));

        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Get, $"{V1}/files/{Id(created)}")).Status);
        var tooShort = FileForm([42], "x.jsonl", "batch", ("expires_after[anchor]", "created_at"), ("expires_after[seconds]", "60"));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, V1 + "/files", content: tooShort)).Status);
    }

    [Fact]
    public async Task Files_BadRequests_AreRefusedAsTheServiceDoes()
    {
        var (status, body) = await SendAsync(_sim, HttpMethod.Post, V1 + "/files", content: FileForm([1], "a", "fine-tuning"));
        Assert.Equal(400, status);
        Assert.Equal("purpose", body.GetProperty("error").GetProperty("param").GetString());

        using var noFile = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
        (status, body) = await SendAsync(_sim, HttpMethod.Post, V1 + "/files", content: noFile);
        Assert.Equal(400, status);
        Assert.Equal("missing_required_parameter", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Files_AnotherResourceDoesNotKnowTheFile()
    {
        await using var other = await SimulatorHarness.StartAsync(time: _time);
        var id = Id(await UploadAsync(_sim, ChatJsonl()));

        var (status, body) = await SendAsync(other, HttpMethod.Get, $"{V1}/files/{id}");

        Assert.Equal(404, status);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(200, (await SendAsync(_sim, HttpMethod.Get, $"{V1}/files/{id}")).Status);
        Assert.Empty((await OkAsync(other, HttpMethod.Get, V1 + "/files")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Files_Import_DownloadsTheContentFromTheUrl()
    {
        var bytes = Encoding.UTF8.GetBytes(ChatJsonl());
        await using var blob = await BlobServer.StartAsync(bytes);

        var json = JsonSerializer.Serialize(new { purpose = "fine-tune", filename = "imported.jsonl", content_url = blob.Url("train.jsonl") });
        using var request = new HttpRequestMessage(HttpMethod.Post, Classic("files/import")) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await _sim.Http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        Assert.Equal("imported.jsonl", body.GetProperty("filename").GetString());
        Assert.Equal(bytes.Length, body.GetProperty("bytes").GetInt32());
        using var content = await GetContentAsync(Id(body));
        Assert.Equal(bytes, await content.Content.ReadAsByteArrayAsync());

        var missing = JsonSerializer.Serialize(new { purpose = "fine-tune", filename = "x.jsonl", content_url = blob.Url("missing") });
        var (status, error) = await SendAsync(_sim, HttpMethod.Post, V1 + "/files/import", missing);
        Assert.Equal(400, status);
        Assert.Equal("content_url", error.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Faults_FailNextAndResetNext_ApplyToFileCalls()
    {
        _sim.Control.FailNextResourceCalls(1, 503, TimeSpan.FromSeconds(2));
        using (var request = new HttpRequestMessage(HttpMethod.Get, V1 + "/files"))
        {
            request.Headers.Add("api-key", SimulatorHarness.Key);
            using var failed = await _sim.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("2000", SimulatorHarness.Header(failed, "retry-after-ms"));
        }

        Assert.Equal(200, (await SendAsync(_sim, HttpMethod.Get, V1 + "/files")).Status);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, "_simulator/resource") { Content = new StringContent("""{"resetNextCount":1}""", Encoding.UTF8, "application/json") };
        using (var patched = await _sim.Http.SendAsync(patch))
        {
            Assert.Equal(1, JsonDocument.Parse(await patched.Content.ReadAsStringAsync()).RootElement.GetProperty("pendingResets").GetInt32());
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync(_sim, HttpMethod.Get, V1 + "/files"));
        Assert.Equal(200, (await SendAsync(_sim, HttpMethod.Get, V1 + "/files")).Status);
        Assert.Equal(0, _sim.Control.GetResourceStats().PendingResets);
    }

    [Fact]
    public async Task Uploads_PartsAddedOutOfOrder_FileIsThePartsInTheGivenOrder()
    {
        var a = Encoding.UTF8.GetBytes(new string('a', 1000));
        var b = Encoding.UTF8.GetBytes(new string('b', 500));
        var c = Encoding.UTF8.GetBytes("c-tail");
        var whole = a.Concat(b).Concat(c).ToArray();
        var upload = await CreateUploadAsync(whole.Length);
        Assert.Equal("pending", Status(upload));
        Assert.Equal("upload", upload.GetProperty("object").GetString());
        Assert.Equal(upload.GetProperty("created_at").GetInt64() + 3600, upload.GetProperty("expires_at").GetInt64());

        // Sent last part first: the order of part_ids, not of arrival, decides.
        var partC = await AddPartAsync(Id(upload), c);
        var partA = await AddPartAsync(Id(upload), a);
        var partB = await AddPartAsync(Id(upload), b);
        Assert.Equal("upload.part", partA.GetProperty("object").GetString());
        Assert.Equal(Id(upload), partA.GetProperty("upload_id").GetString());

        var md5 = Convert.ToHexStringLower(MD5.HashData(whole));
        var completed = await OkAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/complete",
            JsonSerializer.Serialize(new { part_ids = new[] { Id(partA), Id(partB), Id(partC) }, md5 }));

        Assert.Equal("completed", Status(completed));
        var file = completed.GetProperty("file");
        Assert.Equal(whole.Length, file.GetProperty("bytes").GetInt32());
        Assert.Equal("big.jsonl", file.GetProperty("filename").GetString());
        using var content = await GetContentAsync(Id(file));
        Assert.Equal(whole, await content.Content.ReadAsByteArrayAsync());
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/parts", content: PartForm(a))).Status);
    }

    [Fact]
    public async Task Uploads_Md5MismatchOrWrongSize_400AndStillPending()
    {
        var data = Encoding.UTF8.GetBytes("0123456789");
        var upload = await CreateUploadAsync(data.Length);
        var part = await AddPartAsync(Id(upload), data);

        var (status, body) = await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/complete",
            JsonSerializer.Serialize(new { part_ids = new[] { Id(part) }, md5 = new string('0', 32) }));
        Assert.Equal(400, status);
        Assert.Equal("md5", body.GetProperty("error").GetProperty("param").GetString());

        (status, _) = await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/complete", JsonSerializer.Serialize(new { part_ids = new[] { Id(part), Id(part) } }));
        Assert.Equal(400, status);

        var done = await OkAsync(_sim, HttpMethod.Post, Classic($"uploads/{Id(upload)}/complete"), JsonSerializer.Serialize(new { part_ids = new[] { Id(part) } }));
        Assert.Equal("completed", Status(done));
    }

    [Fact]
    public async Task Uploads_ExpireAfterAnHourOnTheSimulatorClock()
    {
        var upload = await CreateUploadAsync(3);
        var part = await AddPartAsync(Id(upload), [1, 2, 3]);

        _time.Advance(TimeSpan.FromHours(1));

        var (status, body) = await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/complete", JsonSerializer.Serialize(new { part_ids = new[] { Id(part) } }));
        Assert.Equal(400, status);
        Assert.Contains("expired", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/parts", content: PartForm([4]))).Status);
    }

    [Fact]
    public async Task Uploads_Cancel_ThenNoMoreParts()
    {
        var upload = await CreateUploadAsync(3);
        var cancelled = await OkAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/cancel");
        Assert.Equal("cancelled", Status(cancelled));
        Assert.Equal(400, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{Id(upload)}/parts", content: PartForm([1]))).Status);
        Assert.Equal(404, (await SendAsync(_sim, HttpMethod.Post, $"{V1}/uploads/upload_unknown/cancel")).Status);
    }

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(Id)];

    private Task<JsonElement> CreateUploadAsync(long bytes) =>
        OkAsync(_sim, HttpMethod.Post, V1 + "/uploads", JsonSerializer.Serialize(new { filename = "big.jsonl", purpose = "batch", bytes, mime_type = "text/jsonl" }));

    private Task<JsonElement> AddPartAsync(string uploadId, byte[] data) =>
        OkAsync(_sim, HttpMethod.Post, $"{V1}/uploads/{uploadId}/parts", content: PartForm(data));

    private static MultipartFormDataContent PartForm(byte[] data)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(data), "data", "blob");
        return form;
    }

    private async Task<HttpResponseMessage> GetContentAsync(string fileId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{V1}/files/{fileId}/content");
        request.Headers.Add("api-key", SimulatorHarness.Key);
        var response = await _sim.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    /// <summary>A loopback server that serves one blob at any path but <c>/missing</c>, as a SAS URL would.</summary>
    private sealed class BlobServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Uri _endpoint;

        private BlobServer(WebApplication app, Uri endpoint)
        {
            _app = app;
            _endpoint = endpoint;
        }

        public string Url(string name) => new Uri(_endpoint, name + "?sv=2024-01-01&sig=test").ToString();

        public static async Task<BlobServer> StartAsync(byte[] content)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            app.MapGet("/{name}", (string name) => name == "missing" ? Results.NotFound() : Results.Bytes(content, "application/octet-stream"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new BlobServer(app, new Uri(address.TrimEnd('/') + "/"));
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
