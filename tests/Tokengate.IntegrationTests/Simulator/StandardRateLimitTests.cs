using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.IntegrationTests.Simulator;

public sealed class StandardRateLimitTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private SimulatorHarness _sim = null!;
    private int _prompt;

    public async Task InitializeAsync()
    {
        _sim = await SimulatorHarness.StartAsync(o =>
        {
            // 1,000 TPM and 60 RPM: 10 requests per 10 s.
            o.Deployments["limited"] = new() { TokensPerMinute = 1_000, RequestsPerMinutePer1000Tpm = 60 };

            // 1,000 TPM and 6 RPM: 1 request per 10 s.
            o.Deployments["slow"] = new() { TokensPerMinute = 1_000, RequestsPerMinutePer1000Tpm = 6 };
        }, _time);
        _prompt = ReferenceTokenCounter.CountChat(ReferenceTokenCounter.O200kBase, ("user", "Hi", null));
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Post_WithMaxTokens_RemainingHeadersDecreaseByEstimate()
    {
        for (var i = 1; i <= 3; i++)
        {
            using var response = await ChatAsync("limited", maxTokens: 100);

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("10", SimulatorHarness.Header(response, "x-ratelimit-limit-requests"));
            Assert.Equal((10 - i).ToString(CultureInfo.InvariantCulture), SimulatorHarness.Header(response, "x-ratelimit-remaining-requests"));
            Assert.Equal("1000", SimulatorHarness.Header(response, "x-ratelimit-limit-tokens"));
            Assert.Equal((1_000 - (i * (_prompt + 100))).ToString(CultureInfo.InvariantCulture), SimulatorHarness.Header(response, "x-ratelimit-remaining-tokens"));
        }
    }

    [Fact]
    public async Task Post_WithoutMaxTokens_ChargesFlat16()
    {
        using var response = await ChatAsync("limited", maxTokens: null);

        Assert.Equal("984", SimulatorHarness.Header(response, "x-ratelimit-remaining-tokens"));
    }

    [Fact]
    public async Task Post_OverTokenBudget_429UntilWindowFrees()
    {
        for (var i = 0; i < 3; i++)
        {
            using var ok = await ChatAsync("limited", maxTokens: 300);
            Assert.Equal(200, (int)ok.StatusCode);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        using var throttled = await ChatAsync("limited", maxTokens: 300);
        var (seconds, ms) = await AssertThrottledAsync(throttled, "token rate limit");
        Assert.Equal(55_000, ms);
        Assert.Equal(55, seconds);

        _time.Advance(TimeSpan.FromMilliseconds(ms - 1));
        using var stillThrottled = await ChatAsync("limited", maxTokens: 300);
        Assert.Equal(429, (int)stillThrottled.StatusCode);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var admitted = await ChatAsync("limited", maxTokens: 300);
        Assert.Equal(200, (int)admitted.StatusCode);
    }

    [Fact]
    public async Task Post_OverRequestBudget_429CallRateUntilTenSecondWindowFrees()
    {
        using var first = await ChatAsync("slow", maxTokens: null);
        Assert.Equal("1", SimulatorHarness.Header(first, "x-ratelimit-limit-requests"));
        Assert.Equal("0", SimulatorHarness.Header(first, "x-ratelimit-remaining-requests"));

        _time.Advance(TimeSpan.FromMilliseconds(2_500));
        using var throttled = await ChatAsync("slow", maxTokens: null);
        var (seconds, ms) = await AssertThrottledAsync(throttled, "call rate limit");
        Assert.Equal(7_500, ms);
        Assert.Equal(8, seconds);

        _time.Advance(TimeSpan.FromMilliseconds(ms));
        using var admitted = await ChatAsync("slow", maxTokens: null);
        Assert.Equal(200, (int)admitted.StatusCode);
    }

    [Fact]
    public async Task Post_ForcedThrottle_429WithChosenRetryAfterForTheDuration()
    {
        _sim.Control.ThrottleFor("limited", TimeSpan.FromSeconds(30), retryAfter: TimeSpan.FromSeconds(3));

        using var throttled = await ChatAsync("limited", maxTokens: 10);
        var (seconds, ms) = await AssertThrottledAsync(throttled, "token rate limit");
        Assert.Equal((3, 3_000), (seconds, ms));

        _time.Advance(TimeSpan.FromSeconds(30));
        using var admitted = await ChatAsync("limited", maxTokens: 10);
        Assert.Equal(200, (int)admitted.StatusCode);
        Assert.Equal(1, _sim.Control.GetStats("limited").Throttled);
    }

    private Task<HttpResponseMessage> ChatAsync(string deployment, int? maxTokens) =>
        _sim.PostAsync(SimulatorHarness.ChatPath(deployment),
            maxTokens is int max
                ? $$"""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":{{max}}}"""
                : """{"messages":[{"role":"user","content":"Hi"}]}""");

    private static async Task<(long Seconds, long Ms)> AssertThrottledAsync(HttpResponseMessage response, string kind)
    {
        Assert.Equal(429, (int)response.StatusCode);
        var seconds = long.Parse(SimulatorHarness.Header(response, "retry-after"), CultureInfo.InvariantCulture);
        var ms = long.Parse(SimulatorHarness.Header(response, "retry-after-ms"), CultureInfo.InvariantCulture);
        Assert.Equal((ms + 999) / 1000, seconds);
        var error = (await SimulatorHarness.ReadJsonAsync(response)).GetProperty("error");
        Assert.Equal("429", error.GetProperty("code").GetString());
        Assert.Equal(
            $"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded {kind} of your current OpenAI S0 pricing tier. Please retry after {seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
            error.GetProperty("message").GetString());
        return (seconds, ms);
    }
}
