using System.Net;
using System.Text.Json;
using Npgsql;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>The usage ledger and <c>GET /admin/usage</c> on PostgreSQL (a fresh database per test).</summary>
public sealed class PostgresLedgerTests : IAsyncLifetime
{
    private readonly string _variable = "TOKENGATE_TEST_LEDGER_PG_" + Guid.NewGuid().ToString("N");
    private TestPostgres _postgres = null!;

    public async Task InitializeAsync()
    {
        _postgres = await TestPostgres.CreateAsync();
        Environment.SetEnvironmentVariable(_variable, _postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Requests_LedgerRowsInPostgres_AndAdminUsageSumsThem()
    {
        long prompt = 0, completion = 0;
        await using (var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Data:Provider"] = "PostgreSql",
            ["Tokengate:Data:ConnectionString"] = "env:" + _variable,
        }))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await h.ChatAsync(LimitsHarness.ChatBody($"Question {i} about tides.", maxTokens: 20, stream: i == 2));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            var stats = h.Backend.Control.GetStats("gpt-4o");
            (prompt, completion) = (stats.PromptTokens, stats.CompletionTokens);

            // The writer is asynchronous: poll the admin report (with a deadline) until all three are in.
            JsonElement row = default;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=consumer&period=hour&since=2026-11-25T00:00:00Z");
                request.Headers.Add("api-key", LimitsHarness.ReaderKey);
                using var report = await h.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, report.StatusCode);
                var data = JsonDocument.Parse(await report.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
                if (data.GetArrayLength() == 1 && (row = data[0]).GetProperty("requests").GetInt64() == 3) break;
                await Task.Delay(25);
            }
            Assert.Equal("app", row.GetProperty("key").GetString());
            Assert.Equal("2026-11-25T09", row.GetProperty("period").GetString()![..13]);
            Assert.Equal(3, row.GetProperty("requests").GetInt64());
            Assert.Equal(prompt, row.GetProperty("promptTokens").GetInt64());
            Assert.Equal(completion, row.GetProperty("completionTokens").GetInt64());
            Assert.Equal(((prompt * 2.50m) + (completion * 10.00m)) / 1_000_000m, row.GetProperty("costUsd").GetDecimal());

            // By operation and by modality, on PostgreSQL's SQL.
            using var byOperation = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=operation");
            byOperation.Headers.Add("api-key", LimitsHarness.ReaderKey);
            var operations = JsonDocument.Parse(await (await h.Client.SendAsync(byOperation)).Content.ReadAsStringAsync()).RootElement.GetProperty("data");
            Assert.Equal("chat.completions", Assert.Single(operations.EnumerateArray()).GetProperty("key").GetString());
            using var byModality = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=modality");
            byModality.Headers.Add("api-key", LimitsHarness.ReaderKey);
            var modalities = JsonDocument.Parse(await (await h.Client.SendAsync(byModality)).Content.ReadAsStringAsync()).RootElement.GetProperty("data");
            Assert.Equal(["text", "audio", "image"], modalities.EnumerateArray().Select(m => m.GetProperty("key").GetString()));
            Assert.Equal(prompt, modalities[0].GetProperty("promptTokens").GetInt64());
            using var byPool = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=pool");
            byPool.Headers.Add("api-key", LimitsHarness.ReaderKey);
            var pools = JsonDocument.Parse(await (await h.Client.SendAsync(byPool)).Content.ReadAsStringAsync()).RootElement.GetProperty("data");
            Assert.Equal(LimitsHarness.Deployment, Assert.Single(pools.EnumerateArray()).GetProperty("key").GetString());
        }

        // The rows themselves, after a graceful shutdown.
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), COUNT(*) FILTER (WHERE stream), MIN(consumer_group), MIN(usage_source), MIN(pool) FROM usage_ledger", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(3, reader.GetInt64(0));
        Assert.Equal(prompt, reader.GetInt64(1));
        Assert.Equal(completion, reader.GetInt64(2));
        Assert.Equal(1, reader.GetInt64(3));
        Assert.Equal("team", reader.GetString(4));
        Assert.Equal("Reported", reader.GetString(5));
        Assert.Equal(LimitsHarness.Deployment, reader.GetString(6));
    }
}
