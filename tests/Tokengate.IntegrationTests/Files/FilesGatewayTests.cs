using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Encryption;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Files;

/// <summary>
/// The gateway's Files and Uploads APIs through <c>tokengate up</c>: the npm client unchanged, what is stored (never
/// plain bytes), owner-only access, and bad input refused precisely with nothing stored half.
/// </summary>
public sealed class FilesGatewayTests : IAsyncLifetime
{
    private const string Marker = "TOKENGATE-PLAINTEXT-MARKER-7f3a";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync(_time);

    public async Task DisposeAsync() => await _up.DisposeAsync();

    private static string Example(int i) =>
        $$$"""{"messages":[{"role":"user","content":"{{{Marker}}} question {{{i}}}"},{"role":"assistant","content":"answer {{{i}}}"}]}""";

    private static string Request(string id, string model = "gpt-4o") =>
        $$$"""{"custom_id":"{{{id}}}","method":"POST","url":"/chat/completions","body":{"model":"{{{model}}}","messages":[{"role":"user","content":"{{{Marker}}}"}]}}""";

    private HttpRequestMessage CreateFile(string content, string purpose, string? key = null, string path = "openai/v1/files")
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "data.jsonl" },
            { new StringContent(purpose), "purpose" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        request.Headers.Add("api-key", key ?? _up.Key);
        return request;
    }

    private HttpRequestMessage Call(HttpMethod method, string path, string? json = null, string? key = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Add("api-key", key ?? _up.Key);
        return request;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task OpenAINpmClient_FilesRoundTripAndUploads_Succeed()
    {
        var jsonl = Path.Combine(_up.DataDirectory, "..", $"train-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(jsonl, string.Join('\n', Enumerable.Range(0, 20).Select(Example)) + "\n");
        try
        {
            var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-files.mjs");
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(script)! };
            foreach (var arg in new[] { script, _up.Endpoint.ToString(), _up.Key, jsonl }) start.ArgumentList.Add(arg);
            using var node = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
            await node.WaitForExitAsync(timeout.Token);
            Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

            using var result = JsonDocument.Parse(await stdout);
            var r = result.RootElement;
            foreach (var client in new[] { "openai", "azure" })
            {
                var trip = r.GetProperty(client);
                Assert.StartsWith("file-", trip.GetProperty("id").GetString());
                Assert.Equal("fine-tune", trip.GetProperty("purpose").GetString());
                Assert.True(trip.GetProperty("listed").GetBoolean());
                Assert.Equal(r.GetProperty("expectedSha256").GetString(), trip.GetProperty("sha256").GetString());
                Assert.True(trip.GetProperty("deleted").GetBoolean());
                Assert.Equal(404, trip.GetProperty("afterDelete").GetInt32());
            }
            var upload = r.GetProperty("upload");
            Assert.Equal("completed", upload.GetProperty("status").GetString());
            Assert.True(upload.GetProperty("same").GetBoolean());
        }
        finally
        {
            File.Delete(jsonl);
        }
    }

    [Fact]
    public async Task StoredFiles_NeverHoldPlainBytes_AndOnlyTheirOwnerSeesThem()
    {
        var content = string.Join('\n', Enumerable.Range(0, 50).Select(Example));
        var file = await JsonAsync(await _up.Client.SendAsync(CreateFile(content, "fine-tune")));
        var id = file.GetProperty("id").GetString()!;
        Assert.Equal(Encoding.UTF8.GetByteCount(content), file.GetProperty("bytes").GetInt64());

        // Nothing under the data folder holds the marker (blobs, database, logs).
        foreach (var path in Directory.EnumerateFiles(_up.DataDirectory, "*", SearchOption.AllDirectories))
        {
            var bytes = await ReadSharedAsync(path);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)) < 0, $"{path} holds plain bytes of the file");
        }

        // Another consumer: 404 for every call on it, as if it did not exist.
        var other = ConsumerKeys.Generate("tg_");
        await _up.Environment.Gateway.App.Services.GetRequiredService<ConsumerAdministration>()
            .EnsureKeyAsync(new AuditActor("test", null), "someone-else", other, CancellationToken.None);
        foreach (var (method, path) in new[] { (HttpMethod.Get, $"openai/v1/files/{id}"), (HttpMethod.Get, $"openai/v1/files/{id}/content"), (HttpMethod.Delete, $"openai/v1/files/{id}") })
        {
            using var response = await _up.Client.SendAsync(Call(method, path, key: other));
            await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }
        var list = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Get, "openai/v1/files", key: other)));
        Assert.Empty(list.GetProperty("data").EnumerateArray());

        // The owner still reads it back whole.
        using var mine = await _up.Client.SendAsync(Call(HttpMethod.Get, $"openai/files/{id}/content?api-version=2025-04-01-preview"));
        Assert.Equal(content, await mine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BinaryFile_NearBoundariesAtTheReadersBufferEdges_ReadBackByteForByte()
    {
        // The multipart reader takes the body 64 KiB at a time: near-misses of the boundary every 997 bytes fall across
        // its buffer's edges (and the encryption's 64 KiB chunks) wherever they lie; they must stay file bytes, and
        // the file's end must still be found.
        const string boundary = "tg-test-boundary-3f9c";
        var content = new byte[3 * 65_536 + 123];
        new Random(11).NextBytes(content);
        var nearMiss = Encoding.ASCII.GetBytes("\r\n--" + boundary[..^1]);
        for (var at = 0; at + nearMiss.Length < content.Length; at += 997)
        {
            nearMiss.CopyTo(content, at);
            content[at + nearMiss.Length] = (byte)'x';
        }
        nearMiss.CopyTo(content, content.Length - nearMiss.Length);
        var form = new MultipartFormDataContent(boundary)
        {
            { new StringContent("assistants"), "purpose" },
            { new ByteArrayContent(content), "file", "edges.bin" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files") { Content = form };
        request.Headers.Add("api-key", _up.Key);
        var file = await JsonAsync(await _up.Client.SendAsync(request));
        Assert.Equal(content.Length, file.GetProperty("bytes").GetInt64());

        using var back = await _up.Client.SendAsync(Call(HttpMethod.Get, $"openai/v1/files/{file.GetProperty("id").GetString()}/content"));
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await back.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("batch", "BOM", "Line 1:")]
    [InlineData("batch", "DUPLICATE", "Line 3:")]
    [InlineData("fine-tune", "NOT-JSON", "Line 2:")]
    [InlineData("nonsense", "OK", "'purpose'")]
    public async Task BadJsonl_400NamingTheLine_NothingStored(string purpose, string kind, string expected)
    {
        var content = kind switch
        {
            "BOM" => "\uFEFF" + Request("a"),
            "DUPLICATE" => string.Join('\n', Request("a"), Request("b"), Request("a")),
            "NOT-JSON" => Example(1) + "\n{oops\n",
            _ => Example(1),
        };
        using var response = await _up.Client.SendAsync(CreateFile(content, purpose));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.StartsWith(expected, error.GetProperty("message").GetString());

        var list = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Get, "openai/v1/files")));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        Assert.DoesNotContain(Directory.EnumerateFiles(_up.DataDirectory, "*", SearchOption.AllDirectories),
            p => p.Contains("blobs", StringComparison.Ordinal) && new FileInfo(p).Length > 0);
    }

    [Fact]
    public async Task Upload_Md5Mismatch_PartsInTheWrongOrder_Expired_RefusedPrecisely()
    {
        var data = RandomNumberGenerator.GetBytes(300_000);
        async Task<(string Upload, string[] Parts)> UploadAsync()
        {
            var upload = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Post, "openai/v1/uploads",
                $$"""{"filename":"x.bin","purpose":"assistants","bytes":{{data.Length}},"mime_type":"application/octet-stream"}""")));
            var id = upload.GetProperty("id").GetString()!;
            var parts = new string[2];
            for (var i = 0; i < 2; i++)
            {
                var form = new MultipartFormDataContent { { new ByteArrayContent(data, i * 150_000, 150_000), "data", "part" } };
                var request = Call(HttpMethod.Post, $"openai/v1/uploads/{id}/parts");
                request.Content = form;
                parts[i] = (await JsonAsync(await _up.Client.SendAsync(request))).GetProperty("id").GetString()!;
            }
            return (id, parts);
        }
        var md5 = Convert.ToHexStringLower(MD5.HashData(data));

        var (first, parts) = await UploadAsync();
        using (var wrongOrder = await _up.Client.SendAsync(Call(HttpMethod.Post, $"openai/v1/uploads/{first}/complete", JsonSerializer.Serialize(new { part_ids = parts.Reverse(), md5 }))))
        {
            var error = await AzureErrorAssert.IsErrorAsync(wrongOrder, HttpStatusCode.BadRequest, "invalid_request_error");
            Assert.Equal("md5", error.GetProperty("param").GetString());
        }
        using (var again = await _up.Client.SendAsync(Call(HttpMethod.Post, $"openai/v1/uploads/{first}/complete", JsonSerializer.Serialize(new { part_ids = parts, md5 }))))
        {
            var error = await AzureErrorAssert.IsErrorAsync(again, HttpStatusCode.BadRequest, "invalid_request_error");
            Assert.Contains("cancelled", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var (second, secondParts) = await UploadAsync();
        using (var unknownPart = await _up.Client.SendAsync(Call(HttpMethod.Post, $"openai/v1/uploads/{second}/complete", JsonSerializer.Serialize(new { part_ids = new[] { parts[0], secondParts[1] } }))))
        {
            var error = await AzureErrorAssert.IsErrorAsync(unknownPart, HttpStatusCode.BadRequest, "invalid_request_error");
            Assert.Equal("part_ids", error.GetProperty("param").GetString());
        }
        var completed = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Post, $"openai/v1/uploads/{second}/complete", JsonSerializer.Serialize(new { part_ids = secondParts, md5 }))));
        Assert.Equal("completed", completed.GetProperty("status").GetString());

        var (third, thirdParts) = await UploadAsync();
        _time.Advance(TimeSpan.FromHours(1));
        using (var expired = await _up.Client.SendAsync(Call(HttpMethod.Post, $"openai/v1/uploads/{third}/complete", JsonSerializer.Serialize(new { part_ids = thirdParts }))))
        {
            var error = await AzureErrorAssert.IsErrorAsync(expired, HttpStatusCode.BadRequest, "invalid_request_error");
            Assert.Contains("expired", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // Only the completed upload became a file.
        var list = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Get, "openai/v1/files")));
        Assert.Single(list.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ConsumerErasedOnRequest_FilesShredded_ABackupCopyCannotBeDecrypted_OthersUntouched()
    {
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
            ids.Add((await JsonAsync(await _up.Client.SendAsync(CreateFile(Example(i), "fine-tune")))).GetProperty("id").GetString()!);
        var other = ConsumerKeys.Generate("tg_");
        await _up.Environment.Gateway.App.Services.GetRequiredService<ConsumerAdministration>()
            .EnsureKeyAsync(new AuditActor("test", null), "keeps-its-files", other, CancellationToken.None);
        var kept = (await JsonAsync(await _up.Client.SendAsync(CreateFile(Example(9), "fine-tune", other)))).GetProperty("id").GetString()!;

        // A backup taken before the erasure: the stored ciphertext of the first file.
        var blob = Directory.EnumerateFiles(Path.Combine(_up.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Single(p => p.EndsWith(ids[0], StringComparison.Ordinal));
        var backup = await ReadSharedAsync(blob);

        using var admin = AdminKeys.Operator(_up);
        var erased = await JsonAsync(await admin.DeleteAsync("consumers/dev/files"));
        Assert.Equal(2, erased.GetProperty("files_erased").GetInt32());

        var list = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Get, "openai/v1/files")));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        var encryption = _up.Environment.Gateway.App.Services.GetRequiredService<IEnvelopeEncryption>();
        await Assert.ThrowsAsync<DataKeyDestroyedException>(async () =>
        {
            await using var plain = await encryption.DecryptAsync(ids[0], new MemoryStream(backup), CancellationToken.None);
            await plain.CopyToAsync(Stream.Null);
        });
        using var stillThere = await _up.Client.SendAsync(Call(HttpMethod.Get, $"openai/v1/files/{kept}/content", key: other));
        Assert.Equal(Example(9), await stillThere.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ExpiresAfter_GoneForReadersAtExpiry_AndShreddedByTheHourlyPass()
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Example(1))), "file", "short-lived.jsonl" },
            { new StringContent("fine-tune"), "purpose" },
            { new StringContent("created_at"), "expires_after[anchor]" },
            { new StringContent("3600"), "expires_after[seconds]" },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/files") { Content = form };
        request.Headers.Add("api-key", _up.Key);
        var file = await JsonAsync(await _up.Client.SendAsync(request));
        var id = file.GetProperty("id").GetString()!;
        Assert.Equal(file.GetProperty("created_at").GetInt64() + 3600, file.GetProperty("expires_at").GetInt64());

        _time.Advance(TimeSpan.FromSeconds(3601));
        using (var gone = await _up.Client.SendAsync(Call(HttpMethod.Get, $"openai/v1/files/{id}")))
            await AzureErrorAssert.IsErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
        var list = await JsonAsync(await _up.Client.SendAsync(Call(HttpMethod.Get, "openai/v1/files")));
        Assert.Empty(list.GetProperty("data").EnumerateArray());

        // The hourly pass (its tick came with the clock) shreds it: the data key goes, so its blob can never be read.
        var encryption = _up.Environment.Gateway.App.Services.GetRequiredService<IEnvelopeEncryption>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.EnumerateFiles(Path.Combine(_up.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Any(p => p.EndsWith(id, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired file's blob is still there");
            await Task.Delay(25);
        }
        await Assert.ThrowsAsync<DataKeyDestroyedException>(() => encryption.DecryptAsync(id, new MemoryStream(), CancellationToken.None));
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
