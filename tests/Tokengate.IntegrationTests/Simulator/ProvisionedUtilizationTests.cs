using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.IntegrationTests.Simulator;

/// <summary>The harness's "ptu" deployment: 1 PTU × 1,000 tokens per minute, output weight 4.</summary>
public sealed class ProvisionedUtilizationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorHarness.StartAsync(time: _time);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_Admitted_UtilizationHeaderInsteadOfRemainingTokens()
    {
        var prompt = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", "Hi", null));
        using var response = await ChatAsync(maxTokens: 100);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(((prompt + 100) / 10.0).ToString("0.0", CultureInfo.InvariantCulture) + "%", SimulatorHarness.Header(response, "azure-openai-deployment-utilization"));
        Assert.False(response.Headers.Contains("x-ratelimit-remaining-tokens"));
    }

    [Fact]
    public async Task Post_Completed_BucketCorrectedToWeightedActualUsage()
    {
        using var response = await ChatAsync(maxTokens: 100);
        var usage = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("usage");

        var actual = usage.GetProperty("prompt_tokens").GetInt32() + (4 * usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(actual / 10.0, _sim.Control.GetStats("ptu").UtilizationPercent, 3);
    }

    [Fact]
    public async Task Post_ForcedOverFull_Fast429UntilDrainedBelow100()
    {
        _sim.Control.SetUtilization("ptu", 150);

        using var throttled = await ChatAsync(maxTokens: 10);
        Assert.Equal(429, (int)throttled.StatusCode);
        Assert.Equal("150.0%", SimulatorHarness.Header(throttled, "azure-openai-deployment-utilization"));
        var ms = long.Parse(SimulatorHarness.Header(throttled, "retry-after-ms"), CultureInfo.InvariantCulture);
        Assert.Equal(30_000, ms);
        Assert.Equal("30", SimulatorHarness.Header(throttled, "retry-after"));
        Assert.Equal("429", (await SimulatorHarness.ReadJsonAsync(throttled)).GetProperty("error").GetProperty("code").GetString());

        _time.Advance(TimeSpan.FromMilliseconds(ms - 1));
        using var stillThrottled = await ChatAsync(maxTokens: 10);
        Assert.Equal(429, (int)stillThrottled.StatusCode);
        Assert.Equal("1", SimulatorHarness.Header(stillThrottled, "retry-after-ms"));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var admitted = await ChatAsync(maxTokens: 10);
        Assert.Equal(200, (int)admitted.StatusCode);
    }

    [Fact]
    public async Task GetStats_AfterTime_BucketDrainsContinuously()
    {
        _sim.Control.SetUtilization("ptu", 80);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(55, _sim.Control.GetStats("ptu").UtilizationPercent, 3);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, _sim.Control.GetStats("ptu").UtilizationPercent, 3);
    }

    private Task<HttpResponseMessage> ChatAsync(int maxTokens) =>
        _sim.PostAsync(SimulatorHarness.ChatPath("ptu"), $$"""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":{{maxTokens}}}""");
}
