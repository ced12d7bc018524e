using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>Paths and stream parsing for the Responses API tests.</summary>
internal static class ResponsesHarness
{
    public const string V1 = "openai/v1/responses";
    public const string PreviewVersion = "2025-03-01-preview";

    public static string Preview(string suffix = "") => $"openai/responses{suffix}?api-version={PreviewVersion}";

    public static async Task<JsonElement> CreateAsync(SimulatorHarness sim, string json, string path = V1) => await sim.PostOkAsync(path, json);

    public static async Task<(int Status, JsonElement Body)> SendAsync(SimulatorHarness sim, HttpMethod method, string path, string? key = SimulatorHarness.Key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("api-key", key);
        }

        using var response = await sim.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static async Task<List<(string Type, JsonElement Data)>> GetStreamAsync(SimulatorHarness sim, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", SimulatorHarness.Key);
        using var response = await sim.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return ParseNamed(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Checks the framing (<c>event: t\ndata: {…"type":"t"…}\n\n</c>, no <c>[DONE]</c>) and returns the events.</summary>
    public static List<(string Type, JsonElement Data)> ParseNamed(string raw)
    {
        Assert.DoesNotContain("[DONE]", raw, StringComparison.Ordinal);
        if (raw.Length == 0)
        {
            return [];
        }

        Assert.EndsWith("\n\n", raw, StringComparison.Ordinal);
        var events = new List<(string, JsonElement)>();
        foreach (var block in raw[..^2].Split("\n\n"))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            var type = lines[0]["event: ".Length..];
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone();
            Assert.Equal(type, data.GetProperty("type").GetString());
            events.Add((type, data));
        }

        return events;
    }

    public static string OutputText(JsonElement response) =>
        string.Concat(response.GetProperty("output").EnumerateArray()
            .Where(i => i.GetProperty("type").GetString() == "message")
            .SelectMany(i => i.GetProperty("content").EnumerateArray())
            .Select(p => p.GetProperty("text").GetString()));
}
