using System.Diagnostics;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Sdk;

/// <summary>
/// The <c>openai</c> npm package, unchanged, through the gateway of <c>tokengate up</c>: the Responses API, a forced
/// tool call and a JSON-schema response format on chat, and the model list, on <c>AzureOpenAI</c> (classic and preview
/// routes) and <c>OpenAI</c> on /openai/v1/. The script (js/sdk-responses.mjs) runs every step and prints one JSON
/// object; a step that threw carries an <c>error</c> instead of its result.
/// </summary>
public sealed class NodeSdkResponsesTests : IAsyncLifetime
{
    private static readonly string[] Clients = ["azure", "openai"];
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task OpenAINpmClients_ResponsesToolCallsJsonSchemaAndModels_Succeed()
    {
        using var result = await RunScriptAsync();
        var failed = Clients
            .SelectMany(c => result.RootElement.GetProperty(c).EnumerateObject().Select(s => (Client: c, Step: s)))
            .Where(x => x.Step.Value.TryGetProperty("error", out _))
            .Select(x => $"{x.Client}.{x.Step.Name}: {x.Step.Value.GetProperty("error")}")
            .ToList();
        Assert.True(failed.Count == 0, "steps that threw:\n" + string.Join("\n", failed));

        foreach (var name in Clients)
        {
            var client = result.RootElement.GetProperty(name);
            AssertResponse(client.GetProperty("responsesPlain"), previous: null);
            AssertStream(client.GetProperty("responsesStream"));
            AssertConversation(client.GetProperty("conversation"));
            AssertToolCall(client.GetProperty("forcedToolCall"));
            AssertToolCall(client.GetProperty("forcedToolCallStreamed"));
            AssertJsonSchema(client.GetProperty("jsonSchema"));
            var models = client.GetProperty("models").GetProperty("ids").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal);
            Assert.Equal(new[] { UpEnvironment.ChatAlias, UpEnvironment.EmbeddingsAlias, UpEnvironment.ChatDeployment, UpEnvironment.EmbeddingsDeployment }.Concat(UpEnvironment.MediaDeployments.Select(d => d.Deployment)).Order(StringComparer.Ordinal), models);
        }
    }

    private static void AssertResponse(JsonElement r, string? previous)
    {
        Assert.StartsWith("resp_", r.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", r.GetProperty("object").GetString());
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("model").GetString()));
        Assert.Equal(previous, r.GetProperty("previousResponseId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("text").GetString()));
        AssertResponseUsage(r.GetProperty("usage"));
    }

    private static void AssertResponseUsage(JsonElement usage)
    {
        var input = usage.GetProperty("input_tokens").GetInt32();
        var output = usage.GetProperty("output_tokens").GetInt32();
        Assert.True(input > 0, $"input_tokens {input}");
        Assert.True(output > 0, $"output_tokens {output}");
        Assert.Equal(input + output, usage.GetProperty("total_tokens").GetInt32());
    }

    private static void AssertStream(JsonElement s)
    {
        var types = s.GetProperty("types").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(types.Count, s.GetProperty("events").GetInt32());
        Assert.Equal("response.created", types[0]);
        Assert.Equal("response.completed", types[^1]);
        Assert.Equal("response.completed", s.GetProperty("finalType").GetString());
        Assert.True(types.Count(t => t == "response.output_text.delta") > 1, $"expected several text deltas: {string.Join(", ", types)}");
        Assert.DoesNotContain(types, t => t is "error" or "response.failed" or "response.incomplete");
        Assert.Equal(0, s.GetProperty("errors").GetArrayLength());
        var sequence = s.GetProperty("sequenceNumbers").EnumerateArray().Select(n => n.GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(sequence[0], sequence.Count), sequence);
        Assert.StartsWith("resp_", s.GetProperty("finalId").GetString(), StringComparison.Ordinal);
        Assert.Equal("completed", s.GetProperty("finalStatus").GetString());
        var deltas = s.GetProperty("deltas").GetString();
        Assert.False(string.IsNullOrWhiteSpace(deltas));
        Assert.Equal(deltas, s.GetProperty("finalText").GetString());
        AssertResponseUsage(s.GetProperty("finalUsage"));
    }

    private static void AssertConversation(JsonElement c)
    {
        var first = c.GetProperty("first");
        var second = c.GetProperty("second");
        var retrieved = c.GetProperty("retrieved");
        var firstId = first.GetProperty("id").GetString();
        AssertResponse(first, previous: null);
        AssertResponse(second, previous: firstId);
        Assert.NotEqual(firstId, second.GetProperty("id").GetString());
        // The stored first turn is part of the follow-up's input.
        var firstUsage = first.GetProperty("usage");
        Assert.True(second.GetProperty("usage").GetProperty("input_tokens").GetInt32()
            > firstUsage.GetProperty("input_tokens").GetInt32() + firstUsage.GetProperty("output_tokens").GetInt32());

        AssertResponse(retrieved, previous: null);
        Assert.Equal(firstId, retrieved.GetProperty("id").GetString());
        Assert.Equal(first.GetProperty("text").GetString(), retrieved.GetProperty("text").GetString());
        Assert.Equal(firstUsage.GetProperty("total_tokens").GetInt32(), retrieved.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    private static void AssertToolCall(JsonElement t)
    {
        Assert.Equal("tool_calls", t.GetProperty("finishReason").GetString());
        var call = Assert.Single(t.GetProperty("toolCalls").EnumerateArray());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(call.GetProperty("id").GetString()));
        // The script parsed the arguments with JSON.parse; check them against the tool's schema here too.
        using var arguments = JsonDocument.Parse(call.GetProperty("arguments").GetString()!);
        var root = arguments.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("city").ValueKind);
        Assert.Contains(root.GetProperty("unit").GetString(), new[] { "celsius", "fahrenheit" });
        Assert.True(root.GetProperty("days").TryGetInt64(out _), $"days is not an integer: {root}");
        Assert.Equal(3, root.EnumerateObject().Count());
        Assert.True(JsonElement.DeepEquals(root, call.GetProperty("parsed")), "JSON.parse in the script saw other arguments");
        Assert.True(t.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    private static void AssertJsonSchema(JsonElement j)
    {
        Assert.Equal("stop", j.GetProperty("finishReason").GetString());
        using var content = JsonDocument.Parse(j.GetProperty("content").GetString()!);
        var root = content.RootElement;
        Assert.Equal(JsonValueKind.String, root.GetProperty("city").ValueKind);
        Assert.True(root.GetProperty("population").TryGetInt64(out _), $"population is not an integer: {root}");
        Assert.Equal(JsonValueKind.Array, root.GetProperty("landmarks").ValueKind);
        Assert.All(root.GetProperty("landmarks").EnumerateArray(), l => Assert.Equal(JsonValueKind.String, l.ValueKind));
        Assert.True(root.GetProperty("capital").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.Equal(4, root.EnumerateObject().Count());
        Assert.True(JsonElement.DeepEquals(root, j.GetProperty("parsed")), "JSON.parse in the script saw other content");
    }

    private async Task<JsonDocument> RunScriptAsync()
    {
        var script = Path.Combine(RepositoryPaths.Root, "tests", "Tokengate.IntegrationTests", "js", "sdk-responses.mjs");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, _up.Endpoint.ToString(), _up.Key, UpEnvironment.ChatDeployment, UpEnvironment.EmbeddingsDeployment },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        return JsonDocument.Parse(await stdout);
    }
}
