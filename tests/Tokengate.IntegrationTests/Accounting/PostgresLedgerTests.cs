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

    [Fact]
    public async Task Series_HourAndDayBucketsInPostgres_FiltersOrderLimitAndCsv()
    {
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Data:Provider"] = "PostgreSql",
            ["Tokengate:Data:ConnectionString"] = "env:" + _variable,
            [$"Tokengate:Consumers:{UsageExplorerTests.Evil}:KeyHashes:0"] = Tokengate.Identity.KeyHash.Format("key-evil"),
        });
        foreach (var (key, advance) in new[] { (LimitsHarness.AppKey, 0), (LimitsHarness.AppKey, 0), (LimitsHarness.AppKey, 1), ("key-evil", 0) })
        {
            h.Time.Advance(TimeSpan.FromHours(advance));
            using var response = await h.ChatAsync(LimitsHarness.ChatBody("Tides?", maxTokens: 20), key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(4, (await PollSeriesAsync(h, "interval=day")).Sum(p => p.GetProperty("requests").GetInt64()));

        var hours = await PollSeriesAsync(h, "interval=hour&by=consumer");
        Assert.Equal(
        [
            ("2026-11-25T09:00:00Z", "app", 2L),
            ("2026-11-25T10:00:00Z", "app", 1L),
            ("2026-11-25T10:00:00Z", UsageExplorerTests.Evil, 1L),
        ], hours.Select(p => (p.GetProperty("start").GetDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            p.GetProperty("key").GetString(), p.GetProperty("requests").GetInt64())).OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2 == "app" ? 0 : 1));
        var day = Assert.Single(await PollSeriesAsync(h, "interval=day&consumer=app&modality=text"));
        Assert.Equal(3, day.GetProperty("requests").GetInt64());

        using var top = new HttpRequestMessage(HttpMethod.Get, "admin/usage?by=consumer&order=cost&limit=1&format=csv");
        top.Headers.Add("api-key", LimitsHarness.ReaderKey);
        using var csv = await h.Client.SendAsync(top);
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType!.ToString());
        var rows = CsvReader.Parse(await csv.Content.ReadAsStringAsync());
        Assert.Equal(2, rows.Count);
        Assert.Equal(("app", "3"), (rows[1][0], rows[1][2]));
    }

    [Fact]
    public async Task RequestLog_ListFiltersAndPagesOnPostgres()
    {
        await using var h = await LimitsHarness.StartAsync(new()
        {
            ["Tokengate:Data:Provider"] = "PostgreSql",
            ["Tokengate:Data:ConnectionString"] = "env:" + _variable,
        });
        for (var i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            using var response = await h.ChatAsync(LimitsHarness.ChatBody($"Tide {i}?", maxTokens: 20));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement page;
        while ((page = await GetJsonAsync(h, "admin/requests?limit=2&consumer=app&outcome=success&status=2xx")).GetProperty("data").GetArrayLength() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, page.ToString());
            await Task.Delay(25);
        }
        var first = page.GetProperty("data").EnumerateArray().ToList();
        Assert.True(first[0].GetProperty("at").GetDateTimeOffset() > first[1].GetProperty("at").GetDateTimeOffset());
        Assert.All(first, r => Assert.Equal(("app", "team", 200, false), (r.GetProperty("consumer").GetString(), r.GetProperty("group").GetString(),
            r.GetProperty("status").GetInt32(), r.GetProperty("stream").GetBoolean())));
        var next = page.GetProperty("nextBefore").GetString();
        var rest = (await GetJsonAsync(h, $"admin/requests?limit=2&before={next}")).GetProperty("data").EnumerateArray().ToList();
        var last = Assert.Single(rest);
        Assert.True(last.GetProperty("at").GetDateTimeOffset() < first[1].GetProperty("at").GetDateTimeOffset());
        Assert.Empty((await GetJsonAsync(h, "admin/requests?outcome=screened")).GetProperty("data").EnumerateArray());

        var detail = await GetJsonAsync(h, $"admin/requests/{last.GetProperty("id").GetString()}");
        Assert.Equal(("forbidden", "app"), (detail.GetProperty("contentAvailable").GetString(), detail.GetProperty("consumer").GetString()));
    }

    private static async Task<JsonElement> GetJsonAsync(LimitsHarness h, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", LimitsHarness.ReaderKey);
        using var response = await h.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> PollSeriesAsync(LimitsHarness h, string query)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "admin/usage/series?" + query);
            request.Headers.Add("api-key", LimitsHarness.ReaderKey);
            using var response = await h.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
            var points = data.EnumerateArray().Select(p => p.Clone()).ToList();
            if (points.Sum(p => p.GetProperty("requests").GetInt64()) >= (query.Contains("consumer=app", StringComparison.Ordinal) ? 3 : 4) || DateTime.UtcNow > deadline) return points;
            await Task.Delay(25);
        }
    }
}
