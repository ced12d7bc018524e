using System.Net;
using Tokengate.Accounting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Telemetry;

/// <summary><c>/metrics</c> after a scripted workload agrees with the ledger and with the simulator's own counts.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_AfterAWorkload_MatchTheLedgerAndTheSimulator()
    {
        // Backend and consumer names of their own: meters are process-wide, and other tests run in parallel.
        var id = Guid.NewGuid().ToString("N")[..8];
        var backendName = "metrics-" + id;
        var consumer = "metrics-app-" + id;
        var key = "key-" + consumer;
        await using var h = await LimitsHarness.StartAsync(new()
        {
            [$"Tokengate:Pools:{LimitsHarness.Deployment}:Backends:0:Name"] = backendName,
            [$"Tokengate:Consumers:{consumer}:KeyHashes:0"] = KeyHash.Format(key),
            [$"Tokengate:Consumers:{consumer}:Group"] = "metrics-team",
        });

        for (var i = 0; i < 6; i++)
        {
            using var ok = await h.ChatAsync(LimitsHarness.ChatBody($"Question {i} about tides", maxTokens: 20, stream: i % 3 == 0), key);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            await ok.Content.ReadAsStringAsync();
        }
        h.Backend.Control.FailNext("gpt-4o", 1, 429, TimeSpan.FromSeconds(2));
        using (var throttled = await h.ChatAsync(LimitsHarness.ChatBody("one more"), key))
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);

        var ledger = await h.LedgerAsync(7);
        Assert.Equal(7, ledger.Records);
        var stats = h.Backend.Control.GetStats("gpt-4o");
        Assert.Equal(6, stats.Succeeded);
        Assert.Equal(1, stats.Throttled);

        using var anonymous = await h.Client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "metrics");
        scrape.Headers.Add("api-key", LimitsHarness.ReaderKey);
        using var response = await h.Client.SendAsync(scrape);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var m = new PrometheusText(await response.Content.ReadAsStringAsync());
        var backend = ("tokengate_backend", backendName);
        var who = ("tokengate_consumer", consumer);

        // GenAI semantic conventions.
        Assert.Equal(stats.PromptTokens, m.Sum("gen_ai_client_token_usage_sum", backend, ("gen_ai_token_type", "input")));
        Assert.Equal(stats.CompletionTokens, m.Sum("gen_ai_client_token_usage_sum", backend, ("gen_ai_token_type", "output")));
        Assert.Equal(6, m.Sum("gen_ai_client_token_usage_count", backend, ("gen_ai_token_type", "input"), ("gen_ai_operation_name", "chat"), ("gen_ai_request_model", "chat")));
        Assert.Equal(7, m.Sum("gen_ai_client_operation_duration_seconds_count", backend));
        Assert.Equal(1, m.Sum("gen_ai_client_operation_duration_seconds_count", backend, ("error_type", "429")));
        Assert.Equal(2, m.Sum("gen_ai_server_time_to_first_token_seconds_count", backend));
        Assert.True(m.Has("gen_ai_server_time_per_output_token_seconds_bucket"), m.Text);

        // The gateway's own, per backend and per consumer.
        Assert.Equal(stats.Succeeded, m.Sum("tokengate_backend_attempts_total", backend, ("tokengate_outcome", "answered")));
        Assert.Equal(stats.Throttled, m.Sum("tokengate_backend_attempts_total", backend, ("tokengate_outcome", "throttled")));
        Assert.Equal(1, m.Sum("tokengate_backend_cooldowns_total", backend));
        Assert.Equal(ledger.Prompt, m.Sum("tokengate_backend_tokens_total", backend, ("gen_ai_token_type", "input")));
        Assert.Equal(ledger.Prompt, m.Sum("tokengate_consumer_tokens_total", who, ("gen_ai_token_type", "input")));
        Assert.Equal(ledger.Completion, m.Sum("tokengate_consumer_tokens_total", who, ("gen_ai_token_type", "output")));
        Assert.Equal((double)UsageTime.FromNanoUsd(ledger.CostNanoUsd), m.Sum("tokengate_consumer_cost_total", who), 9);
        Assert.Equal(6, m.Sum("tokengate_consumer_requests_total", who, ("tokengate_status_class", "2xx")));
        Assert.Equal(1, m.Sum("tokengate_consumer_requests_total", who, ("tokengate_status_class", "429")));
        Assert.Equal(ledger.Prompt + ledger.Completion, m.Sum("tokengate_backend_tokens_per_minute", backend));
        Assert.Equal(7, m.Sum("tokengate_backend_requests_per_minute", backend));
        Assert.True(m.Sum("tokengate_backend_utilization_percent", backend) > 0, m.Text);
        Assert.Equal(10_000_000, m.Sum("tokengate_backend_ratelimit_limit", backend, ("tokengate_limit_kind", "tokens")));
        Assert.Equal(1, m.Sum("tokengate_backend_cooling", backend));
        Assert.Equal(0, m.Sum("tokengate_backend_circuit_state", backend));
        Assert.True(m.Has("tokengate_ledger_queue_length"), m.Text);
        Assert.True(m.Has("tokengate_ledger_written_total"), m.Text);
        Assert.DoesNotContain(key, m.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsApi_And_Dashboard_NeedTheReaderRoleForData()
    {
        await using var h = await LimitsHarness.StartAsync([]);
        using var page = await h.Client.GetAsync("dashboard");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        foreach (var path in new[] { "admin/metrics/backends", "admin/metrics/consumers", "admin/metrics/budgets", "admin/alerts" })
        {
            using var consumer = new HttpRequestMessage(HttpMethod.Get, path);
            consumer.Headers.Add("api-key", LimitsHarness.AppKey);
            using var denied = await h.Client.SendAsync(consumer);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            using var reader = new HttpRequestMessage(HttpMethod.Get, path);
            reader.Headers.Add("api-key", LimitsHarness.ReaderKey);
            using var ok = await h.Client.SendAsync(reader);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }
}
