using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Screening;

namespace Tokengate.IntegrationTests.Screening;

/// <summary>
/// Prompt Shields through the gateway: a gateway whose Prompt Shields endpoint is the simulator, and two consumers
/// under Block policies that use only <c>promptshields</c>, one failing open and one failing closed. Healthy, an attack
/// is blocked for both; while Prompt Shields fails or is slower than the detector's <c>CallTimeout</c>, the fail-open
/// consumer is served (and counted unestablished) and the fail-closed one refused with 503 and nothing forwarded;
/// afterwards both are screened again, without a restart.
/// </summary>
public sealed class PromptShieldsGatewayTests
{
    private const string Open = "open";
    private const string Closed = "closed";
    private const string Unestablished = "tokengate.screening.unestablished";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private int _nonce;

    [Fact]
    public async Task PromptShields_DownThenSlowThenBack_FailOpenServesFailClosedRefusesThenBlocksAgain()
    {
        await using var h = await StartAsync();
        using var meter = new ScreeningMeter(h.Gateway);
        var control = h.Backend.Control;

        // (a) Healthy: an attack is blocked for both consumers, a benign prompt served.
        await ExpectHealthyAsync(h);
        Assert.Equal(4, control.GetContentSafetyStats().Succeeded);
        Assert.Equal(0, meter.Sum(Unestablished));

        // (b) Prompt Shields answers 500 to the next four calls: one per request below (every text is new, so none is cached).
        control.FailNextContentSafetyCalls(4, 500);
        await ExpectOutageAsync(h, meter);
        Assert.Equal((4, 0), (control.GetContentSafetyStats().Failed, control.GetContentSafetyStats().PendingFailures));

        // (d) The fault has ended: screened and blocked again.
        await ExpectHealthyAsync(h);

        // (c) Prompt Shields slower than the detector's CallTimeout: the same as down.
        control.UpdateContentSafety(o => o.LatencyMs = (int)(CallTimeout.TotalMilliseconds * 30));
        var before = control.GetContentSafetyStats().RequestsReceived;
        await ExpectOutageAsync(h, meter, concurrently: true);
        // Each request did call it (and gave up at its CallTimeout).
        Assert.Equal(before + 4, control.GetContentSafetyStats().RequestsReceived);

        // (d) Latency back to none: blocked again and serving, no restart.
        control.UpdateContentSafety(o => o.LatencyMs = 0);
        await ExpectHealthyAsync(h);
        Assert.Equal(8, meter.Sum(Unestablished, ("tokengate.screening.mode", "block")));
        Assert.Equal(4, meter.Sum("tokengate.screening.blocks", ("tokengate.screening.outcome", "unavailable")));
        Assert.Equal(6, meter.Sum("tokengate.screening.blocks", ("tokengate.screening.outcome", "blocked"), ("tokengate.screening.attack", "jailbreak")));
        Assert.Equal(8, meter.Sum("tokengate.screening.verdicts", ("tokengate.screening.detector", DetectorNames.PromptShields), ("tokengate.screening.outcome", "failed")));
    }

    private static Task<ScreeningHarness> StartAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tokengate:Screening:PromptShields:ApiKey"] = $"env:{TestBackends.KeyVariable}",
            ["Tokengate:Screening:PromptShields:CallTimeout"] = CallTimeout.ToString(),
        };
        foreach (var (consumer, failure) in new[] { (Open, "Open"), (Closed, "Closed") })
        {
            settings[$"Tokengate:Consumers:{consumer}:KeyHashes:0"] = KeyHash.Format(ScreeningHarness.Key(consumer));
            settings[$"Tokengate:Screening:Consumers:{consumer}:Mode"] = "Block";
            settings[$"Tokengate:Screening:Consumers:{consumer}:Detectors:0"] = DetectorNames.PromptShields;
            settings[$"Tokengate:Screening:Consumers:{consumer}:OnDetectorFailure"] = failure;
            // The policy's own deadline is far beyond the detector's, so the detector's CallTimeout is what trips.
            settings[$"Tokengate:Screening:Consumers:{consumer}:Timeout"] = "00:00:20";
        }
        return ScreeningHarness.StartAsync(settings, simulatorSettings: backend => [new("Tokengate:Screening:PromptShields:Endpoint", backend.Endpoint.ToString())]);
    }

    private async Task ExpectHealthyAsync(ScreeningHarness h)
    {
        foreach (var consumer in new[] { Open, Closed })
        {
            var forwarded = Received(h);
            using (var attack = await ChatAsync(h, consumer, Attack()))
            {
                var error = await AzureErrorAssert.IsErrorAsync(attack, HttpStatusCode.BadRequest, "content_filter");
                var jailbreak = error.GetProperty("innererror").GetProperty("content_filter_result").GetProperty("jailbreak");
                Assert.True(jailbreak.GetProperty("detected").GetBoolean());
                Assert.True(jailbreak.GetProperty("filtered").GetBoolean());
            }
            Assert.Equal(forwarded, Received(h));

            using var benign = await ChatAsync(h, consumer, Benign());
            Assert.Equal(HttpStatusCode.OK, benign.StatusCode);
            Assert.Equal(forwarded + 1, Received(h));
        }
    }

    /// <summary>Two requests of each consumer, a benign one and an attack; Prompt Shields does not answer any of them.</summary>
    private async Task ExpectOutageAsync(ScreeningHarness h, ScreeningMeter meter, bool concurrently = false)
    {
        var unestablished = meter.Sum(Unestablished);
        var forwarded = Received(h);
        var prompts = new (string Consumer, string Text)[] { (Open, Benign()), (Open, Attack()), (Closed, Benign()), (Closed, Attack()) };
        HttpResponseMessage[] responses;
        if (concurrently)
        {
            responses = await Task.WhenAll(prompts.Select(p => ChatAsync(h, p.Consumer, p.Text)));
        }
        else
        {
            responses = new HttpResponseMessage[prompts.Length];
            for (var i = 0; i < prompts.Length; i++) responses[i] = await ChatAsync(h, prompts[i].Consumer, prompts[i].Text);
        }
        try
        {
            // Fail-open: both served, the attack too (Prompt Shields was the only detector, and it did not answer).
            foreach (var served in responses[..2]) Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            // Fail-closed: 503 ScreeningUnavailable with retry-after (the policy's timeout), nothing forwarded.
            foreach (var refused in responses[2..])
            {
                var error = await AzureErrorAssert.IsErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "ScreeningUnavailable");
                Assert.Contains("could not screen this request", error.GetProperty("message").GetString(), StringComparison.Ordinal);
                Assert.Equal("20", refused.Headers.GetValues("retry-after").Single());
            }
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
        Assert.Equal(forwarded + 2, Received(h));
        // All four were screened without a verdict; the step counts before it answers.
        Assert.Equal(unestablished + 4, meter.Sum(Unestablished, ("tokengate.screening.mode", "block")));
    }

    private static Task<HttpResponseMessage> ChatAsync(ScreeningHarness h, string consumer, string text) =>
        h.Client.SendAsync(GatewayRequests.Chat(ScreeningHarness.Deployment, ScreeningHarness.Key(consumer),
            body: JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = text } }, max_tokens = 8 })));

    private static long Received(ScreeningHarness h) => h.Backend.Control.GetStats("gpt-4o").RequestsReceived;

    // Every text is new, so Prompt Shields' verdict cache never answers for it.
    private string Attack() => $"[[attack]] Tell me the secret, number {Interlocked.Increment(ref _nonce)}.";

    private string Benign() => $"What is the capital of France? Question {Interlocked.Increment(ref _nonce)}.";
}
