using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Limits;

/// <summary>Rate limits, max-tokens policies and the context-window check, end to end through the gateway.</summary>
public sealed class ConsumerLimitsTests
{
    [Fact]
    public async Task Tpm_64ConcurrentStreamingAndPlainRequests_NeverExceededByMoreThanOneEstimate_AndLedgerEqualsClientUsage()
    {
        const int Tpm = 3000;
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Limits:Consumers:app:TokensPerMinute"] = Tpm.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var results = new List<(HttpStatusCode Status, long Prompt, long Completion, bool SawUsage)>();
        using var gate = new SemaphoreSlim(64);
        var tasks = Enumerable.Range(0, 128).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var body = LimitsHarness.ChatBody($"Request {i}: tell me something about the number {i * 7}.", maxTokens: 40, stream: i % 2 == 0, includeUsage: i % 2 == 0);
                using var response = await h.ChatAsync(body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                    Assert.True(response.Headers.Contains("retry-after-ms"));
                    lock (results) results.Add((response.StatusCode, 0, 0, false));
                    return;
                }
                var (prompt, completion, saw) = await LimitsHarness.UsageSeenAsync(response);
                lock (results) results.Add((response.StatusCode, prompt, completion, saw));
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);

        var ok = results.Where(r => r.Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(ok);
        Assert.Contains(results, r => r.Status == HttpStatusCode.TooManyRequests);

        // The simulator counts what really ran: no more than the limit plus one request's estimate (prompt + max_tokens).
        var stats = h.Backend.Control.GetStats("gpt-4o");
        var oneEstimate = 30 + 40;
        Assert.InRange(stats.PromptTokens + stats.CompletionTokens, 1, Tpm + oneEstimate);

        // Every request is in the ledger (refused ones with no tokens), and its totals are what the clients saw.
        Assert.All(ok, r => Assert.True(r.SawUsage));
        var ledger = await h.LedgerAsync(128);
        Assert.Equal(128, ledger.Records);
        Assert.Equal(ok.Sum(r => r.Prompt), ledger.Prompt);
        Assert.Equal(ok.Sum(r => r.Completion), ledger.Completion);
        Assert.Equal(stats.PromptTokens, ledger.Prompt);
        Assert.Equal(stats.CompletionTokens, ledger.Completion);
    }

    [Fact]
    public async Task Rpm_OverLimit_429WithRetryAfter_ConsumerHeaders_AndFitsAgainAfterTheWindow()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Limits:Consumers:app:RequestsPerMinute"] = "2" });

        using (var first = await h.ChatAsync(LimitsHarness.ChatBody("one")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("2", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
            Assert.Equal("1", first.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }
        h.Time.Advance(TimeSpan.FromSeconds(10));
        using (var second = await h.ChatAsync(LimitsHarness.ChatBody("two")))
            Assert.Equal("0", second.Headers.GetValues("x-ratelimit-remaining-requests").Single());

        h.Time.Advance(TimeSpan.FromSeconds(5));
        using var third = await h.ChatAsync(LimitsHarness.ChatBody("three"));
        await AzureErrorAssert.IsErrorAsync(third, HttpStatusCode.TooManyRequests, "429");
        // The first request leaves the window 60 s after it came, 45 s from now.
        Assert.Equal("45", third.Headers.GetValues("retry-after").Single());
        Assert.Equal("45000", third.Headers.GetValues("retry-after-ms").Single());

        h.Time.Advance(TimeSpan.FromSeconds(45));
        using var fourth = await h.ChatAsync(LimitsHarness.ChatBody("four"));
        Assert.Equal(HttpStatusCode.OK, fourth.StatusCode);
    }

    [Fact]
    public async Task MaxTokens_AboveCapWithClamp_ForwardedWithTheCap()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Limits:Consumers:app:MaxTokens:Cap"] = "5" });
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("Write a long story about a lighthouse keeper and the sea.", maxTokens: 500));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, completion, _) = await LimitsHarness.UsageSeenAsync(response);
        Assert.InRange(completion, 1, 5);
    }

    [Fact]
    public async Task MaxTokens_AbsentWithCap_CapWrittenIntoTheBody()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Limits:Deployments:chat:Cap"] = "3" });
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("Write a long story about a lighthouse keeper and the sea.", maxTokens: null));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, completion, _) = await LimitsHarness.UsageSeenAsync(response);
        Assert.InRange(completion, 1, 3);
    }

    [Fact]
    public async Task MaxTokens_AboveCapWithReject_400NamingTheCap()
    {
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Limits:Deployments:chat:Cap"] = "100",
            ["Tokengate:Limits:Deployments:chat:OverCap"] = "Reject",
        });
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("hello", maxTokens: 101));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Contains("101", error.GetProperty("message").GetString());
        Assert.Contains("at most 100", error.GetProperty("message").GetString());
        Assert.Equal(0, h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    [Fact]
    public async Task ContextWindow_PromptPlusMaxTokensTooLong_400WithTheCounts_BeforeAnyBackendCall()
    {
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Tokens:ContextWindows:gpt-4o"] = "100" });
        var content = string.Join(' ', Enumerable.Repeat("lighthouse", 60));
        var prompt = Simulator.ReferenceTokenCounter.CountChat(Simulator.ReferenceTokenCounter.O200kBase, ("user", content, null));

        using var response = await h.ChatAsync(LimitsHarness.ChatBody(content, maxTokens: 50));
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "context_length_exceeded");
        Assert.Equal(
            $"This model's maximum context length is 100 tokens. However, you requested {prompt + 50} tokens ({prompt} in the messages, 50 in the completion). Please reduce the length of the messages or completion.",
            error.GetProperty("message").GetString());
        Assert.Equal(0, h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    [Fact]
    public async Task MaxTokensBeyondTheModelsOutputLimit_400LikeTheService_BeforeAnyBackendCall()
    {
        await using var h = await LimitsHarness.StartAsync([]);

        using var response = await h.ChatAsync(LimitsHarness.ChatBody("hello", maxTokens: 16_385));

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("max_tokens", error.GetProperty("param").GetString());
        Assert.Equal(
            "max_tokens is too large: 16385. This model supports at most 16384 completion tokens, whereas you provided 16385.",
            error.GetProperty("message").GetString());
        Assert.Equal(0, h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
        using var within = await h.ChatAsync(LimitsHarness.ChatBody("hello", maxTokens: 16_384));
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }

    [Fact]
    public async Task MaxTokensNearIntMax_ContextWindowCheckDoesNotOverflow()
    {
        // Without an output limit for the model, only the context window bounds the request: prompt + int.MaxValue must
        // not wrap around to a small number and slip through.
        await using var h = await LimitsHarness.StartAsync(new() { ["Tokengate:Tokens:MaxOutputTokens:gpt-4o"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        using var response = await h.ChatAsync(LimitsHarness.ChatBody("hello", maxTokens: int.MaxValue));

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "context_length_exceeded");
        Assert.Contains($"{int.MaxValue} in the completion", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }
}
