using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Consumer changes made through one instance reach the whole fleet at once.</summary>
public sealed class SharedRevocationTests
{
    private const string OperatorKey = "key-fleet-operator";

    [Fact]
    public async Task KeyRevokedOnOneInstance_RefusedByTheOtherTwoWithinOneSecond()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await FleetHarness.StartBackendAsync();
        await using var fleet = await FleetHarness.StartAsync(3, TestRedis.Shared, postgres.ConnectionString, [("only", backend, 1)], new()
        {
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            // The periodic re-read is only a safety net: an hour makes sure the announcement is what spreads the change.
            ["Tokengate:KeyStore:RefreshInterval"] = "01:00:00",
        });

        // A key created through instance 0 works on all three ...
        var created = await AdminAsync(fleet, 0, HttpMethod.Post, "admin/consumers/fleet-app/keys", createConsumer: true);
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        for (var i = 0; i < 3; i++) await UntilStatusAsync(fleet, i, key, HttpStatusCode.OK, TimeSpan.FromSeconds(1));

        // ... and once revoked there, the other two refuse it within a second.
        await AdminAsync(fleet, 0, HttpMethod.Post, $"admin/keys/{id}/revoke");
        var revokedAt = Stopwatch.StartNew();
        await UntilStatusAsync(fleet, 1, key, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        await UntilStatusAsync(fleet, 2, key, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1));
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1), $"took {revokedAt.Elapsed}");
    }

    private static async Task<JsonElement> AdminAsync(FleetHarness fleet, int instance, HttpMethod method, string path, bool createConsumer = false)
    {
        if (createConsumer)
        {
            using var consumer = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = JsonContent.Create(new { name = "fleet-app" }) };
            consumer.Headers.Add("api-key", OperatorKey);
            using var made = await fleet.Clients[instance].SendAsync(consumer);
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", OperatorKey);
        using var response = await fleet.Clients[instance].SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task UntilStatusAsync(FleetHarness fleet, int instance, string key, HttpStatusCode expected, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        HttpStatusCode status;
        do
        {
            using var response = await fleet.Clients[instance].SendAsync(GatewayRequests.Chat(FleetHarness.Deployment, key));
            status = response.StatusCode;
            if (status == expected) return;
            await Task.Delay(20);
        }
        while (DateTime.UtcNow < until);
        Assert.Equal(expected, status);
    }
}
