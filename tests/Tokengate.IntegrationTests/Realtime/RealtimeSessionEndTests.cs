using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Realtime;

/// <summary>Sessions the gateway ends: a spent budget, a revoked key, a lost upstream, shutdown.</summary>
public sealed class RealtimeSessionEndTests
{
    private const string GaPath = "openai/v1/realtime?model=realtime";
    private const string TextResponse = """{"type":"response.create","response":{"output_modalities":["text"]}}""";

    [Fact]
    public async Task BudgetSpentByAResponse_ErrorEventThenClose1008_LedgerKeepsTheResponse_NextSessionRefused429()
    {
        await using var h = await RealtimeHarness.StartAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(h.Url(GaPath), RealtimeHarness.BobKey);
        await client.ReceiveThroughAsync("session.created");
        await client.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Tell me something."}]}}""");
        await client.SendAsync(TextResponse);

        var (events, status, reason) = await client.ReceiveUntilClosedAsync();

        var types = RealtimeTestClient.Types(events);
        var done = types.IndexOf("response.done");
        Assert.True(done >= 0, string.Join(",", types));
        Assert.Equal("error", types[^1]);
        Assert.Equal(done + 1, types.Count - 1);
        var error = events[^1].GetProperty("error");
        Assert.Equal("budget_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("budget", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.StartsWith("budget spent: daily budget of consumer 'bob'", reason, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(reason!) <= 123);

        var row = Assert.Single(await h.LedgerAsync(1));
        RealtimeGatewayTests.AssertRow(row, events[done].GetProperty("response").GetProperty("usage"), "bob", "b0");
        Assert.True(row.Prompt + row.Completion >= RealtimeHarness.BobBudgetTokens);

        var refused = await RawHttp.SendAsync(h.Endpoint, RealtimeGatewayTests.Upgrade(GaPath, ("api-key", RealtimeHarness.BobKey)));
        Assert.Equal(429, refused.Status);
        Assert.Equal("BudgetExceeded", refused.AzureError().GetProperty("code").GetString());
        Assert.True(refused.Headers.ContainsKey("retry-after"));
        var rows = await h.LedgerAsync(2);
        Assert.Equal((429, 0L), (rows[1].Status, rows[1].Prompt + rows[1].Completion));
    }

    [Fact]
    public async Task KeyRevokedWhileTheSessionIsOpen_ClosedWithin1GatewaySecond_ErrorEventThenClose1008()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await RealtimeHarness.StartAsync(time: time);
        var admin = h.Gateway.Services.GetRequiredService<ConsumerAdministration>();
        var caller = new AdminCaller(new AuditActor("test", null), new HashSet<string> { Roles.Admin });
        Assert.NotNull((await admin.CreateConsumerAsync(caller, "dave", null, null, default)).Value);
        var issued = (await admin.CreateKeyAsync(caller, "dave", null, default)).Value!;

        // The key in the query, as a browser sends it.
        await using var client = await RealtimeTestClient.ConnectAsync(h.Url(GaPath + "&api-key=" + issued.Key), configure: null);
        await client.ReceiveThroughAsync("session.created");
        time.Advance(TimeSpan.FromSeconds(1));
        await client.SendAsync("""{"type":"session.update","session":{"type":"realtime"}}""");
        await client.ReceiveThroughAsync("session.updated");

        Assert.NotNull((await admin.RevokeKeyAsync(caller, issued.Record.Id, default)).Value);
        time.Advance(TimeSpan.FromSeconds(1));
        var (events, status, reason) = await client.ReceiveUntilClosedAsync();

        Assert.Equal("error", RealtimeTestClient.Type(events[^1]));
        Assert.Equal("session_revoked", events[^1].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Equal("credential revoked or expired", reason);
    }

    [Fact]
    public async Task UpstreamDropsMidResponse_ErrorEventThenClose1011_SettledResponsesStayInTheLedger()
    {
        await using var h = await RealtimeHarness.StartAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(h.Url(GaPath), RealtimeHarness.AliceKey);
        await client.ReceiveThroughAsync("session.created");
        await client.SendAsync(TextResponse);
        await client.ReceiveThroughAsync("response.done");
        h.Backends[0].Control.Update("realtime", o =>
        {
            o.Faults.MidStreamCutNextCount = 1;
            o.Faults.MidStreamCutAfterChunks = 3;
        });

        await client.SendAsync(TextResponse);
        var (events, status, reason) = await client.ReceiveUntilClosedAsync();

        var types = RealtimeTestClient.Types(events);
        Assert.DoesNotContain("response.done", types);
        Assert.Contains("response.output_text.delta", types);
        Assert.Equal("error", types[^1]);
        var error = events[^1].GetProperty("error");
        Assert.Equal(("server_error", "upstream_disconnected"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.Equal("upstream connection lost", reason);
        Assert.Single(await h.LedgerAsync(1));
    }

    [Fact]
    public async Task ClientDisappears_TheBackendSessionIsClosed()
    {
        await using var h = await RealtimeHarness.StartAsync();
        var client = await RealtimeTestClient.ConnectAsync(h.Url(GaPath), RealtimeHarness.AliceKey);
        var id = (await client.ReceiveThroughAsync("session.created"))[^1].GetProperty("session").GetProperty("id").GetString()!;
        Assert.True(h.Backends[0].RealtimeSessions.Get(id)!.Open);

        client.Socket.Abort();
        await client.DisposeAsync();

        // The backend learns it when the gateway closes its side: polled (the deadline only guards a hang).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (h.Backends[0].RealtimeSessions.Get(id)!.Open)
        {
            Assert.True(DateTime.UtcNow < deadline, "the backend's session is still open");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task GatewayShutsDown_SessionClosedWith1001()
    {
        await using var h = await RealtimeHarness.StartAsync();
        await using var client = await RealtimeTestClient.ConnectAsync(h.Url(GaPath), RealtimeHarness.AliceKey);
        await client.ReceiveThroughAsync("session.created");

        var stopping = h.Gateway.Server.App.StopAsync();
        var (_, status, reason) = await client.ReceiveUntilClosedAsync();
        await stopping;

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
        Assert.Contains("shutting down", reason, StringComparison.Ordinal);
    }
}
