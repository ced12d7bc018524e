using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Raw calls on the simulator's files, uploads and fine-tuning routes.</summary>
internal static class ResourceHarness
{
    public const string V1 = "openai/v1";

    /// <summary>A dated route: <c>openai/{path}?api-version=…</c> (with any query of <paramref name="path"/> kept).</summary>
    public static string Classic(string path) =>
        $"openai/{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}api-version={SimulatorHarness.ApiVersion}";

    /// <summary>Ten chat examples, the fewest the service takes.</summary>
    public static string ChatJsonl(int examples = 10)
    {
        var text = new StringBuilder();
        for (var i = 0; i < examples; i++)
        {
            text.Append("{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Question number ")
                .Append(i).Append("?\"},{\"role\":\"assistant\",\"content\":\"Answer number ").Append(i).Append(".\"}]}\n");
        }

        return text.ToString();
    }

    /// <summary>The tokens of <see cref="ChatJsonl"/> by the per-message rule, with o200k_base.</summary>
    public static long ChatJsonlTokens(int examples = 10)
    {
        long tokens = 0;
        for (var i = 0; i < examples; i++)
        {
            tokens += ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase,
                ("system", "You are terse.", null), ("user", $"Question number {i}?", null), ("assistant", $"Answer number {i}.", null));
        }

        return tokens;
    }

    public static async Task<(int Status, JsonElement Body)> SendAsync(SimulatorHarness sim, HttpMethod method, string path, string? json = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", SimulatorHarness.Key);
        request.Content = content ?? (json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using var response = await sim.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }

    public static async Task<JsonElement> OkAsync(SimulatorHarness sim, HttpMethod method, string path, string? json = null, HttpContent? content = null)
    {
        var (status, body) = await SendAsync(sim, method, path, json, content);
        Assert.True(status is 200 or 201, $"{method} {path}: {status} {body}");
        return body;
    }

    public static MultipartFormDataContent FileForm(byte[] bytes, string filename, string purpose, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", filename);
        form.Add(new StringContent(purpose), "purpose");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static Task<JsonElement> UploadAsync(SimulatorHarness sim, string text, string purpose = "fine-tune", string filename = "train.jsonl") =>
        OkAsync(sim, HttpMethod.Post, V1 + "/files", content: FileForm(Encoding.UTF8.GetBytes(text), filename, purpose));

    public static string Id(JsonElement body) => body.GetProperty("id").GetString()!;

    public static string Status(JsonElement body) => body.GetProperty("status").GetString()!;
}
