using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Batches;

/// <summary>
/// The Batch API and Files API calls batch tests make, on any gateway's client: an in-process gateway
/// (<see cref="BatchHarness"/>) or a <c>tokengate serve</c> process.
/// </summary>
internal static class BatchCalls
{
    private static readonly string[] Terminal = ["failed", "completed", "expired", "cancelled"];

    /// <summary>Uploads a batch input file; its id.</summary>
    public static async Task<string> UploadAsync(HttpClient client, string jsonl, string key)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("batch"), "purpose");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", "input.jsonl");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/v1/files") { Content = form };
        request.Headers.Add("api-key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<HttpResponseMessage> CreateAsync(HttpClient client, string fileId, string key, string endpoint = "/v1/chat/completions", string? mode = null)
    {
        var request = GatewayRequests.Post("/openai/v1/batches", key, JsonSerializer.Serialize(new { input_file_id = fileId, endpoint, completion_window = "24h" }));
        if (mode is not null) request.Headers.Add("x-tokengate-batch-mode", mode);
        return await client.SendAsync(request);
    }

    /// <summary>Creates a batch of the file's requests (chat completions, 24h window); its id.</summary>
    public static async Task<string> CreateIdAsync(HttpClient client, string fileId, string key)
    {
        using var response = await CreateAsync(client, fileId, key);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string id, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openai/v1/batches/{id}");
        request.Headers.Add("api-key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls the batch (with a deadline) until it reaches <paramref name="status"/>; fails at once on another terminal status.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient client, string id, string key, string status, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var batch = await GetAsync(client, id, key);
            var now = batch.GetProperty("status").GetString();
            if (now == status) return batch;
            Assert.True(!Terminal.Contains(now), $"batch {id} is {now}, not {status}: {batch}");
            Assert.True(DateTime.UtcNow < deadline, $"batch {id} still {now}: {batch}");
            await Task.Delay(20);
        }
    }

    /// <summary>A file's content through the Files API.</summary>
    public static async Task<string> FileContentAsync(HttpClient client, string fileId, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/openai/v1/files/{fileId}/content");
        request.Headers.Add("api-key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return text;
    }

    /// <summary>
    /// The custom ids of a completed batch's output file, each line checked to be an answered chat completion (status
    /// 200), in file order.
    /// </summary>
    public static List<string> AnsweredCustomIds(string outputJsonl) =>
        [.. outputJsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var e = JsonDocument.Parse(line).RootElement;
            Assert.Equal(200, e.GetProperty("response").GetProperty("status_code").GetInt32());
            Assert.Equal("chat.completion", e.GetProperty("response").GetProperty("body").GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("error").ValueKind);
            return e.GetProperty("custom_id").GetString()!;
        })];
}
