using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>
/// <c>max_tokens</c> / <c>max_completion_tokens</c> are bounded as the service bounds them, so that one request
/// cannot drive a deployment's limiter or utilization bucket to absurd values (or wrap an integer around).
/// </summary>
public sealed class MaxTokensLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(o =>
    {
        // gpt-4 has no output limit of its own: only the context window bounds it, and here that is as large as it gets.
        o.Deployments["wide"] = new() { Model = "gpt-4-0613", ContextWindow = int.MaxValue, TokensPerMinute = 10_000 };
        o.Deployments["mini"] = new() { Model = "gpt-4o-mini-2024-07-18" };
        o.Deployments["o3"] = new() { Model = "o3-mini-2025-01-31", ContextWindow = 200_000 };
        o.Deployments["turbo"] = new() { Model = "gpt-4-turbo-2024-04-09" };
    }, _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Theory]
    [InlineData("chat", "max_tokens", 16_385, 16_384)]
    [InlineData("chat", "max_completion_tokens", 2_147_483_647, 16_384)]
    [InlineData("mini", "max_tokens", 20_000, 16_384)]
    [InlineData("o3", "max_completion_tokens", 100_001, 100_000)]
    [InlineData("turbo", "max_tokens", 4_097, 4_096)]
    public async Task Post_BoundAboveModelOutputLimit_400InvalidValue(string deployment, string field, int value, int limit)
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath(deployment), Chat(field, value));
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal($"{field} is too large: {value}. This model supports at most {limit} completion tokens, whereas you provided {value}.", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(field, error.GetProperty("param").GetString());
        Assert.Equal("invalid_value", error.GetProperty("code").GetString());
        var stats = _sim.Control.GetStats(deployment);
        Assert.Equal(1, stats.Failed);
        Assert.Equal(100_000, stats.RemainingTokens);
    }

    [Fact]
    public async Task Post_BoundAtModelOutputLimit_Admitted()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"), Chat("max_tokens", 16_384));

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Post_BothFields_TheNewerOneIsChecked()
    {
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("chat"),
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":10,"max_completion_tokens":50000}""");
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("max_completion_tokens", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Post_IntMaxBoundOnModelWithoutOutputLimit_400ContextLengthWithoutWrapping()
    {
        // 'gpt4' keeps the default 128k window; prompt + int.MaxValue once wrapped around to a negative sum and passed.
        var prompt = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.Cl100kBase, ("user", "Hi", null));
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("gpt4"), Chat("max_tokens", int.MaxValue));
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal($"This model's maximum context length is 128000 tokens. However, you requested {prompt + (long)int.MaxValue} tokens ({prompt} in the messages, {int.MaxValue} in the completion). Please reduce the length of the messages or completion.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_HugeBoundTimesN_StandardCostDoesNotWrap()
    {
        // 1e9 × 128 is past int: it used to wrap to a negative cost that the token window then "refunded".
        using var response = await _sim.PostAsync(SimulatorHarness.ChatPath("wide"),
            """{"messages":[{"role":"user","content":"Hi"}],"max_tokens":1000000000,"n":128}""");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("60", SimulatorHarness.Header(response, "retry-after"));
        var stats = _sim.Control.GetStats("wide");
        Assert.Equal(10_000, stats.RemainingTokens);
        Assert.Equal(0, stats.UtilizationPercent);
    }

    [Fact]
    public async Task Post_AbsurdBoundOnProvisioned_RefusedAndBucketUntouched()
    {
        using var refused = await _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), Chat("max_tokens", int.MaxValue));
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Equal("invalid_value", (await SimulatorHarness.ReadJsonAsync(refused)).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, _sim.Control.GetStats("ptu").UtilizationPercent);

        using var admitted = await _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), Chat("max_tokens", 10));
        Assert.Equal(200, (int)admitted.StatusCode);
    }

    private static string Chat(string field, int value) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["messages"] = new[] { new { role = "user", content = "Hi" } },
            [field] = value,
        });
}
