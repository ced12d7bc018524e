using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class ControlEndpointTests : IAsyncLifetime
{
    private const string Hi = """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":200}""";
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task GetDeployments_ListsSettingsAndStats()
    {
        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        var body = await _sim.Http.GetFromJsonAsync<JsonElement>("_simulator/deployments");

        var chat = body.GetProperty("data").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "chat");
        Assert.Equal("gpt-4o-2024-08-06", chat.GetProperty("settings").GetProperty("model").GetString());
        Assert.Equal("Standard", chat.GetProperty("settings").GetProperty("type").GetString());
        Assert.Equal(1, chat.GetProperty("stats").GetProperty("requestsReceived").GetInt64());
        Assert.Equal(1, chat.GetProperty("stats").GetProperty("succeeded").GetInt64());
        Assert.True(chat.GetProperty("stats").GetProperty("completionTokens").GetInt64() > 0);
    }

    [Fact]
    public async Task Patch_TokensPerMinute_AppliesToNextRequest()
    {
        using var before = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(200, (int)before.StatusCode);

        using var patch = await PatchAsync("chat", """{"tokensPerMinute":100}""");
        Assert.Equal(200, (int)patch.StatusCode);
        Assert.Equal(100, (await SimulatorHarness.ReadJsonAsync(patch)).GetProperty("settings").GetProperty("tokensPerMinute").GetInt32());

        using var after = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(429, (int)after.StatusCode);
        Assert.Equal("100", SimulatorHarness.Header(after, "x-ratelimit-limit-tokens"));
    }

    [Fact]
    public async Task Patch_FailNextFault_ArmedOnceAndShownInStats()
    {
        using var patch = await PatchAsync("chat", """{"Faults":{"failNextCount":1,"failNextStatusCode":503}}""");
        var view = await SimulatorHarness.ReadJsonAsync(patch);
        Assert.Equal(1, view.GetProperty("stats").GetProperty("pendingFailures").GetInt32());
        Assert.Equal(0, view.GetProperty("settings").GetProperty("faults").GetProperty("failNextCount").GetInt32());

        using var failed = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);

        Assert.Equal(503, (int)failed.StatusCode);
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task Patch_LatencyOnly_KeepsOtherSettings()
    {
        using var first = await PatchAsync("chat", """{"tokensPerMinute":5000}""");
        using var second = await PatchAsync("chat", """{"latency":{"jitterRatio":0.5}}""");
        var settings = (await SimulatorHarness.ReadJsonAsync(second)).GetProperty("settings");

        Assert.Equal(5000, settings.GetProperty("tokensPerMinute").GetInt32());
        Assert.Equal(0.5, settings.GetProperty("latency").GetProperty("jitterRatio").GetDouble());
        Assert.Equal(0.5, _sim.Control.GetOptions("chat").Latency.JitterRatio);
    }

    [Theory]
    [InlineData("""{"tokensPerMinute":0}""")]
    [InlineData("""{"tokensPerMinutes":5}""")]
    [InlineData("""{"latency":"slow"}""")]
    [InlineData("not json")]
    public async Task Patch_Invalid_Returns400AndChangesNothing(string patch)
    {
        using var response = await PatchAsync("chat", patch);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("BadRequest", (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(100_000, _sim.Control.GetOptions("chat").TokensPerMinute);
    }

    [Fact]
    public async Task Patch_ForceUtilization_ProvisionedThrottles()
    {
        using var patch = await PatchAsync("ptu", """{"faults":{"forceUtilizationPercent":200}}""");
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), Hi);

        Assert.Equal(429, (int)response.StatusCode);
        // Real clock here, so the bucket has drained a little since the PATCH.
        var utilization = double.Parse(SimulatorHarness.Header(response, "azure-openai-deployment-utilization").TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(utilization, 190, 200);
    }

    [Fact]
    public async Task PostReset_ClearsWindowsAndCounters()
    {
        using var patch = await PatchAsync("chat", """{"tokensPerMinute":300}""");
        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        using var throttled = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(429, (int)throttled.StatusCode);

        using var reset = await _sim.Http.PostAsync("_simulator/deployments/chat/reset", null);
        var stats = (await SimulatorHarness.ReadJsonAsync(reset)).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("requestsReceived").GetInt64());
        Assert.Equal(300, stats.GetProperty("remainingTokens").GetInt32());

        using var again = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
        Assert.Equal(200, (int)again.StatusCode);
    }

    [Fact]
    public async Task PostReset_ClearsStandingFaultsAndArmedCommands_KeepsOtherSettings()
    {
        using var patch = await PatchAsync("chat", """
            {"tokensPerMinute":50000,
             "faults":{"errorRates":{"503":1.0},"connectionResetRate":0.5,"midStreamCutRate":1.0,"slowHeadersMs":5,
                       "failNextCount":3,"failNextStatusCode":500,"resetNextCount":2,"midStreamCutNextCount":4,"throttleForMs":60000}}
            """);
        var armed = (await SimulatorHarness.ReadJsonAsync(patch)).GetProperty("stats");
        Assert.Equal(3, armed.GetProperty("pendingFailures").GetInt32());
        Assert.Equal(2, armed.GetProperty("pendingResets").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, armed.GetProperty("throttledUntil").ValueKind);

        using var reset = await _sim.Http.PostAsync("_simulator/deployments/chat/reset", null);
        var view = await SimulatorHarness.ReadJsonAsync(reset);

        var faults = view.GetProperty("settings").GetProperty("faults");
        Assert.Empty(faults.GetProperty("errorRates").EnumerateObject());
        Assert.Equal(0, faults.GetProperty("connectionResetRate").GetDouble());
        Assert.Equal(0, faults.GetProperty("midStreamCutRate").GetDouble());
        Assert.Equal(0, faults.GetProperty("slowHeadersMs").GetInt32());
        Assert.Equal(50_000, view.GetProperty("settings").GetProperty("tokensPerMinute").GetInt32());
        var stats = view.GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("pendingFailures").GetInt32());
        Assert.Equal(0, stats.GetProperty("pendingResets").GetInt32());
        Assert.Equal(0, stats.GetProperty("pendingStreamCuts").GetInt32());
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("throttledUntil").ValueKind);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Hi);
            Assert.Equal(200, (int)ok.StatusCode);
        }

        using var stream = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":20,"stream":true}""");
        Assert.EndsWith("data: [DONE]\n\n", await stream.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_InProcess_ClearsFaultsAndForcedUtilization()
    {
        _sim.Control.Update("ptu", o => o.Faults.ErrorRates[503] = 1.0);
        _sim.Control.SetUtilization("ptu", 150);
        using (var throttled = await _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), Hi))
        {
            Assert.NotEqual(200, (int)throttled.StatusCode);
        }

        _sim.Control.Reset("ptu");

        Assert.Empty(_sim.Control.GetOptions("ptu").Faults.ErrorRates);
        Assert.Equal(0, _sim.Control.GetStats("ptu").UtilizationPercent);
        using var ok = await _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), Hi);
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task GetDeployment_Unknown_Returns404()
    {
        using var response = await _sim.Http.GetAsync("_simulator/deployments/nope");

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task GetDeployments_ControlDisabled_NotMapped()
    {
        await using var sim = await SimulatorHarness.StartAsync(o => o.ControlEnabled = false);

        using var response = await sim.Http.GetAsync("_simulator/deployments");

        Assert.Equal(404, (int)response.StatusCode);
    }

    private Task<HttpResponseMessage> PatchAsync(string deployment, string json) =>
        _sim.Http.PatchAsync($"_simulator/deployments/{deployment}", new StringContent(json, Encoding.UTF8, "application/json"));
}
