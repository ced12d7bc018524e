using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.ScaleOut;

/// <summary>
/// Auth from the in-memory key cache while PostgreSQL is away, for at most <c>Tokengate:KeyStore:MaxStaleness</c>:
/// past it stored keys are refused and configured keys keep working, until a re-read succeeds. The database is
/// taken away by switching off the forwarder the gateway connects through; time runs on the harness's fake clock.
/// </summary>
public sealed class KeyStalenessTests
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task DatabaseAway_PastMaxStaleness_StoredKeysRefused_ConfiguredKeysWork_UntilARefreshSucceeds()
    {
        await using var postgres = await TestPostgres.CreateAsync();
        var direct = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        await using var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Parse(direct.Host!), direct.Port));
        var variable = "TOKENGATE_TEST_STALE_PG_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = forwarder.Port, Timeout = 3 }.ToString());
        try
        {
            await using var h = await LimitsHarness.StartAsync(new()
            {
                ["Tokengate:Data:Provider"] = "PostgreSql",
                ["Tokengate:Data:ConnectionString"] = "env:" + variable,
                ["Tokengate:KeyStore:MaxStaleness"] = MaxStaleness.ToString(),
            });
            using var admin = new HttpClient { BaseAddress = new Uri(h.Gateway.Endpoint, "admin/") };
            admin.DefaultRequestHeaders.Add("api-key", (await File.ReadAllTextAsync(Path.Combine(h.Data.FullName, GatewayDiscovery.KeyFileName))).Trim());
            using (var created = await admin.PostAsJsonAsync("consumers", new { name = "stored" }))
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var (_, storedKey) = await AdminKeys.CreateKeyAsync(admin, "stored");
            var storedWorks = await StatusAsync(h, storedKey);
            Assert.NotEqual(HttpStatusCode.Unauthorized, storedWorks);
            Assert.Equal("fresh", await StoredKeysAsync(h));

            forwarder.Disable();
            // Each step lets a refresh tick fail; a re-read already in flight when the database went away may still
            // have succeeded, so step until the cache is past MaxStaleness rather than assume one step does it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await StoredKeysAsync(h) != "stale")
            {
                Assert.True(DateTime.UtcNow < deadline, "the stored keys never became stale");
                h.Time.Advance(TimeSpan.FromMinutes(1));
            }

            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(h, storedKey));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(h, LimitsHarness.AppKey));
            using (var ready = await h.Client.GetAsync("readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Contains("\"status\":\"degraded\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            forwarder.Enable();
            deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await StoredKeysAsync(h) != "fresh")
            {
                Assert.True(DateTime.UtcNow < deadline, "the stored keys were never re-read");
                h.Time.Advance(TimeSpan.FromSeconds(5));
                await Task.Delay(20);
            }
            Assert.Equal(storedWorks, await StatusAsync(h, storedKey));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(LimitsHarness h, string key)
    {
        using var response = await h.ChatAsync(LimitsHarness.ChatBody("Hello there.", maxTokens: 5), key);
        return response.StatusCode;
    }

    private static async Task<string?> StoredKeysAsync(LimitsHarness h)
    {
        using var ready = await h.Client.GetAsync("readyz");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("keys").GetProperty("stored").GetString();
    }
}
