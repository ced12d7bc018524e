using System.Net;
using System.Text.Json;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>The simulator's service tiers (reference part 2, §E.2): chat and Responses answers report the tier that served them.</summary>
public sealed class ServiceTierTests : IAsyncLifetime
{
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private static string Chat(string? tier, bool stream = false) =>
        $$"""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":5,"stream":{{(stream ? "true" : "false")}}{{(tier is null ? "" : $",\"service_tier\":{tier}")}}}""";

    [Theory]
    [InlineData(null, "default")]
    [InlineData("\"auto\"", "default")]
    [InlineData("\"default\"", "default")]
    [InlineData("\"priority\"", "priority")]
    [InlineData("\"flex\"", "flex")]
    public async Task Chat_TierAsked_AnswerNamesTheServedTier(string? asked, string served)
    {
        var body = await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), Chat(asked));

        Assert.Equal(served, body.GetProperty("service_tier").GetString());
    }

    [Fact]
    public async Task Chat_PriorityDeploymentDowngrading_AutoAndPriorityServedAsDefault()
    {
        _sim.Control.Update("chat", o => o.ServiceTier = "priority");
        Assert.Equal("priority", (await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), Chat(null))).GetProperty("service_tier").GetString());

        _sim.Control.Update("chat", o => o.PriorityDowngrade = true);

        Assert.Equal("default", (await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), Chat(null))).GetProperty("service_tier").GetString());
        Assert.Equal("default", (await _sim.PostOkAsync(SimulatorHarness.ChatPath("chat"), Chat("\"priority\""))).GetProperty("service_tier").GetString());
    }

    [Fact]
    public async Task Chat_Streamed_EveryChunkButThePromptAnnotationsNamesTheTier()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Chat("\"priority\"", stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var chunks = (await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: {\"id\":\"chatcmpl", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Equal("priority", JsonDocument.Parse(c[6..]).RootElement.GetProperty("service_tier").GetString()));
    }

    [Theory]
    [InlineData("\"flex\"", "invalid_value")]
    [InlineData("\"turbo\"", "invalid_value")]
    [InlineData("3", "invalid_type")]
    public async Task Chat_TierNotServed_400InvalidRequestError(string asked, string code)
    {
        _sim.Control.Update("chat", o => o.SupportsFlex = false);

        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Chat(asked));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal(("invalid_request_error", "service_tier", code), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Responses_PriorityDowngraded_ReportsDefault()
    {
        _sim.Control.Update("chat", o => o.PriorityDowngrade = true);

        var body = await ResponsesHarness.CreateAsync(_sim, """{"model":"chat","input":"Hi","max_output_tokens":20,"service_tier":"priority"}""");

        Assert.Equal("default", body.GetProperty("service_tier").GetString());
    }
}
