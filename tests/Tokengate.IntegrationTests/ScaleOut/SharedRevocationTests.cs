using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>Consumer changes made through one gateway process reach the whole fleet at once.</summary>
public sealed class SharedRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KeyRevokedOnOneProcess_RefusedByTheOtherTwoWithinOneSecond()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        await using var backend = await ProcessFleet.StartBackendAsync();
        await using var fleet = await ProcessFleet.StartAsync(TestRedis.Shared, postgres.ConnectionString, [("only", backend, 1)], new()
        {
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
        var propagated = revokedAt.Elapsed;
        output.WriteLine($"the key revoked through instance 0 was refused by instances 1 and 2 within {propagated.TotalMilliseconds:0} ms");
        Assert.True(propagated < TimeSpan.FromSeconds(1), $"took {propagated}");
    }

    private static async Task<JsonElement> AdminAsync(ProcessFleet fleet, int instance, HttpMethod method, string path, bool createConsumer = false)
    {
        if (createConsumer)
        {
            using var consumer = new HttpRequestMessage(HttpMethod.Post, "admin/consumers") { Content = JsonContent.Create(new { name = "fleet-app" }) };
            consumer.Headers.Add("api-key", ProcessFleet.OperatorKey);
            using var made = await fleet.Clients[instance].SendAsync(consumer);
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("api-key", ProcessFleet.OperatorKey);
        using var response = await fleet.Clients[instance].SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task UntilStatusAsync(ProcessFleet fleet, int instance, string key, HttpStatusCode expected, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        HttpStatusCode status;
        do
        {
            using var response = await fleet.Clients[instance].SendAsync(GatewayRequests.Chat(ProcessFleet.Deployment, key));
            status = response.StatusCode;
            if (status == expected) return;
            await Task.Delay(20);
        }
        while (DateTime.UtcNow < until);
        Assert.Equal(expected, status);
    }
}
