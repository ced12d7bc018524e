using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Priority;

/// <summary>
/// Azure service tiers through a gateway over the simulator, which answers with the tier that served each request: the
/// backend maps class <c>low</c> to <c>flex</c>; <c>vip</c> may ask for <c>priority</c> itself, <c>app</c> may not.
/// Each request is recorded with the tier that served it and priced at that tier's multiplier.
/// </summary>
public sealed class ServiceTierTests : IAsyncLifetime
{
    private const string VipKey = "key-vip";

    // gpt-4o list prices in nano-USD per token: input 2.50 and output 10.00 per 1M.
    private const long InputNanoUsd = 2_500;
    private const long OutputNanoUsd = 10_000;

    private LimitsHarness _h = null!;

    public async Task InitializeAsync() => _h = await LimitsHarness.StartAsync(new()
    {
        [$"Tokengate:Pools:{LimitsHarness.Deployment}:Backends:0:ServiceTiers:low"] = "flex",
        ["Tokengate:Consumers:vip:KeyHashes:0"] = KeyHash.Format(VipKey),
        ["Tokengate:Consumers:vip:AllowedServiceTiers:0"] = "priority",
    });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Body(string? tier, bool stream = false)
    {
        var body = LimitsHarness.ChatBody("Hello", maxTokens: 10, stream: stream);
        return tier is null ? body : body.Insert(1, $"\"service_tier\":\"{tier}\",");
    }

    private async Task<HttpResponseMessage> ChatAsync(string body, string key = LimitsHarness.AppKey, string? priority = null, bool stream = false)
    {
        var request = GatewayRequests.Chat(LimitsHarness.Deployment, key, stream, body);
        if (priority is not null) request.Headers.Add("x-tokengate-priority", priority);
        return await _h.Client.SendAsync(request);
    }

    /// <summary>The tier the simulator says served a whole answer.</summary>
    private static async Task<string?> ServedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("service_tier").GetString();
    }

    [Fact]
    public async Task LowClass_ReachesTheBackendAsFlex_RecordedAndPricedAsFlex()
    {
        using var response = await ChatAsync(Body(null), priority: "low");

        Assert.Equal("flex", await ServedAsync(response));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal("flex", row.Tier);
        Assert.Equal(Price(row, 0.5m), row.CostNanoUsd);
    }

    [Fact]
    public async Task AllowedPriority_PassedThrough_PricedAsPriority()
    {
        using var response = await ChatAsync(Body("priority"), VipKey, priority: "low");

        Assert.Equal("priority", await ServedAsync(response));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal("priority", row.Tier);
        Assert.Equal(Price(row, 1.75m), row.CostNanoUsd);
    }

    [Fact]
    public async Task DisallowedPriority_NeverReachesTheBackendAsPriority()
    {
        // Nothing mapped for the consumer's class: the tier is removed and the deployment's own (default) serves it.
        using var unmapped = await ChatAsync(Body("priority"));
        Assert.Equal("default", await ServedAsync(unmapped));

        // Its class mapped: the backend's tier replaces it.
        using var mapped = await ChatAsync(Body("priority"), priority: "low");
        Assert.Equal("flex", await ServedAsync(mapped));

        var rows = await LedgerAsync(2);
        Assert.Equal(["default", "flex"], rows.Select(r => r.Tier));
        Assert.Equal(Price(rows[0], 1m), rows[0].CostNanoUsd);
    }

    [Fact]
    public async Task PriorityDowngradedByTheBackend_RecordedDefault_PricedAtOnce()
    {
        _h.Backend.Control.Update("gpt-4o", o => o.PriorityDowngrade = true);

        using var response = await ChatAsync(Body("priority"), VipKey);

        Assert.Equal("default", await ServedAsync(response));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal("default", row.Tier);
        Assert.Equal(Price(row, 1m), row.CostNanoUsd);
    }

    [Fact]
    public async Task StreamedChat_EveryChunkNamesTheTier_Recorded()
    {
        using var response = await ChatAsync(Body(null, stream: true), priority: "low", stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var chunks = text.Split('\n').Where(l => l.StartsWith("data: {\"id\":\"chatcmpl", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.Contains("\"service_tier\":\"flex\"", c, StringComparison.Ordinal));
        var row = Assert.Single(await LedgerAsync(1));
        Assert.Equal("flex", row.Tier);
        Assert.Equal(Price(row, 0.5m), row.CostNanoUsd);
    }

    [Fact]
    public async Task NonStringServiceTier_400InAzureShape_NothingForwarded()
    {
        using var response = await ChatAsync(LimitsHarness.ChatBody("Hello", maxTokens: 10).Insert(1, "\"service_tier\":7,"));

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Contains("service_tier", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    private static long Price((string? Tier, long Prompt, long Completion, long CostNanoUsd) row, decimal multiplier) =>
        (long)(((row.Prompt * InputNanoUsd) + (row.Completion * OutputNanoUsd)) * multiplier);

    private async Task<List<(string? Tier, long Prompt, long Completion, long CostNanoUsd)>> LedgerAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_h.Data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT service_tier, prompt_tokens, completion_tokens, cost_nanousd FROM usage_ledger ORDER BY id";
            var rows = new List<(string?, long, long, long)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
            if (rows.Count >= count) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"{rows.Count} ledger rows of {count}");
            await Task.Delay(25);
        }
    }
}
