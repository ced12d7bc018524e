using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Accounting;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Alerts;

/// <summary>A capacity alert reaches its webhook through the outbound client (its host admitted by configuration), once.</summary>
public sealed class CapacityAlertWebhookTests
{
    [Fact]
    public async Task Utilization_AboveFireAt_PostsOneFiringToTheWebhook_AndShowsInAdminAlerts()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Alerts:WebhookUrls:0"] = hook.Url,
            ["Tokengate:Alerts:Rules:0:Name"] = "sim-busy",
            ["Tokengate:Alerts:Rules:0:Scope"] = "Backend",
            ["Tokengate:Alerts:Rules:0:Metric"] = "Utilization",
            ["Tokengate:Alerts:Rules:0:FireAt"] = "2",
            ["Tokengate:Alerts:Rules:0:ClearAt"] = "1",
        });
        h.Backend.Control.Update("gpt-4o", o => o.TokensPerMinute = 3000);
        for (var i = 0; i < 2; i++)
        {
            using var response = await h.ChatAsync(LimitsHarness.ChatBody($"Busy question {i}", maxTokens: 40));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The next evaluation (on the fake clock) sees the value above FireAt and notifies; later ones while it stays
        // above send nothing more (the exact hysteresis is in AlertStateTests).
        h.Time.Advance(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (hook.Received.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(25);
        h.Time.Advance(TimeSpan.FromSeconds(10));

        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/alerts");
        request.Headers.Add("api-key", LimitsHarness.ReaderKey);
        using var alerts = await h.Client.SendAsync(request);
        using var state = JsonDocument.Parse(await alerts.Content.ReadAsStringAsync());
        var active = Assert.Single(state.RootElement.GetProperty("active").EnumerateArray());
        Assert.Equal("sim-busy", active.GetProperty("rule").GetString());
        Assert.Equal("sim", active.GetProperty("target").GetString());

        var body = Assert.Single(hook.Received);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("capacity.firing", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("sim", doc.RootElement.GetProperty("target").GetString());
        Assert.True(doc.RootElement.GetProperty("value").GetDouble() >= 2);
    }
}
