using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>
/// Two standard simulated deployments in one tier, one with little TPM: the gateway reads their rate-limit headers
/// and moves traffic to the one with quota before the other answers 429. Gateway and simulators share a fake clock,
/// so the simulators' minute windows and the gateway's view of them agree exactly.
/// </summary>
public sealed class QuotaRoutingTests
{
    private const string Pool = "chat";
    private const string Key = "key-app";
    private const string ReaderKey = "key-reader";
    private const int MaxTokens = 100;

    [Fact]
    public async Task StandardBackendLowOnTpm_TrafficMovesToTheOtherBeforeAny429_AndPoolsShowsTheQuota()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        await using var low = await StartBackendAsync(time, tokensPerMinute: 1_000);
        await using var high = await StartBackendAsync(time, tokensPerMinute: 1_000_000);
        var data = Directory.CreateTempSubdirectory("tokengate-quota-");
        try
        {
            var config = new Dictionary<string, string?>
            {
                ["Tokengate:Data:Directory"] = data.FullName,
                ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
                ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
                ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
                [$"Tokengate:Pools:{Pool}:Backends:0:Model"] = "gpt-4o",
                [$"Tokengate:Pools:{Pool}:Backends:1:Model"] = "gpt-4o",
                // By weight alone nearly every request would go to the small deployment.
                [$"Tokengate:Pools:{Pool}:Backends:0:Weight"] = "1000",
            };
            foreach (var (k, v) in TestBackends.Backend(Pool, 0, "low", low).Concat(TestBackends.Backend(Pool, 1, "high", high))) config[k] = v;
            await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
            {
                b.Configuration.AddInMemoryCollection(config);
                b.Services.AddSingleton<TimeProvider>(time);
                b.Services.AddSingleton(new Random(20261125));
            });
            using var client = new HttpClient { BaseAddress = gateway.Endpoint };

            // 30 requests of over 100 tokens each as the service charges them: 3 times what the small deployment takes in a minute.
            const int Requests = 30;
            for (var i = 0; i < Requests; i++)
            {
                using var response = await client.SendAsync(GatewayRequests.Chat(Pool, Key, body:
                    $$"""{"messages":[{"role":"user","content":"Question {{i}}"}],"max_tokens":{{MaxTokens}}}"""));
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }

            var lowStats = low.Control.GetStats("gpt-4o");
            var highStats = high.Control.GetStats("gpt-4o");
            // The service charges each request the same (prompt + max_tokens): the small deployment took requests until
            // the next one would not fit, and was never sent one it had to refuse.
            var charge = (1_000 - lowStats.RemainingTokens!.Value) / lowStats.Succeeded;
            Assert.InRange(charge, MaxTokens, MaxTokens + 20);
            Assert.Equal(1_000 / charge, lowStats.Succeeded);
            Assert.Equal(0, lowStats.Throttled);
            Assert.Equal(Requests - lowStats.Succeeded, highStats.Succeeded);

            // GET /admin/pools shows each backend's quota as the gateway sees it.
            using var status = new HttpRequestMessage(HttpMethod.Get, "admin/pools");
            status.Headers.Add("api-key", ReaderKey);
            using var pools = await client.SendAsync(status);
            Assert.Equal(HttpStatusCode.OK, pools.StatusCode);
            using var doc = JsonDocument.Parse(await pools.Content.ReadAsStringAsync());
            var backends = doc.RootElement.GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == Pool)
                .GetProperty("backends").EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!, b => b.GetProperty("quota"));
            Assert.Equal((long?)lowStats.RemainingTokens, backends["low"].GetProperty("remainingTokens").GetInt64());
            Assert.Equal(1_000, backends["low"].GetProperty("limitTokens").GetInt64());
            Assert.Equal((long?)highStats.RemainingTokens, backends["high"].GetProperty("remainingTokens").GetInt64());
            Assert.Equal(lowStats.Succeeded, backends["low"].GetProperty("gatewayRequestsPerMinute").GetInt64());

            // A minute later the small deployment's window has drained, and the gateway sends it traffic again.
            time.Advance(TimeSpan.FromMinutes(1));
            for (var i = 0; i < 10; i++)
            {
                using var response = await client.SendAsync(GatewayRequests.Chat(Pool, Key, body:
                    $$"""{"messages":[{"role":"user","content":"Later {{i}}"}],"max_tokens":{{MaxTokens}}}"""));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            Assert.True(low.Control.GetStats("gpt-4o").Succeeded > lowStats.Succeeded);
            Assert.Equal(0, low.Control.GetStats("gpt-4o").Throttled);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            data.Delete(recursive: true);
        }
    }

    private static async Task<SimulatorServer> StartBackendAsync(TimeProvider time, int tokensPerMinute)
    {
        var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
        // Plenty of requests per 10 s, so only the token window limits the deployment.
        options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions { TokensPerMinute = tokensPerMinute, RequestsPerMinutePer1000Tpm = 600 };
        return await SimulatorServer.StartAsync(options, timeProvider: time);
    }
}
