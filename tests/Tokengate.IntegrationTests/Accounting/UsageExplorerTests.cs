using System.Net;
using System.Text;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// The usage explorer (<c>GET /admin/usage</c> filters, order and limit; <c>GET /admin/usage/series</c>; CSV) over ledger
/// rows from real requests through the gateway and the simulator, on a test clock: at 09:00 app ×2; at 10:00 app ×1 and
/// the formula-named consumer ×1; the next day at 09:00 the consumer with a comma and quote ×1.
/// </summary>
public sealed class UsageExplorerTests : IAsyncLifetime
{
    internal const string Evil = "=cmd|' /C calc'!A0";
    internal const string Quoted = "a,\"b\"";
    private const string EvilKey = "key-evil";
    private const string QuotedKey = "key-quoted";

    private LimitsHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LimitsHarness.StartAsync(new()
        {
            [$"Tokengate:Consumers:{Evil}:KeyHashes:0"] = KeyHash.Format(EvilKey),
            [$"Tokengate:Consumers:{Quoted}:KeyHashes:0"] = KeyHash.Format(QuotedKey),
        });
        await SendAsync(LimitsHarness.AppKey, 2);
        _h.Time.Advance(TimeSpan.FromHours(1));
        await SendAsync(LimitsHarness.AppKey, 1);
        await SendAsync(EvilKey, 1);
        _h.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromHours(1));
        await SendAsync(QuotedKey, 1);
        Assert.Equal(5, (await _h.LedgerAsync(5)).Records);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task SendAsync(string key, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await _h.ChatAsync(LimitsHarness.ChatBody($"Question {i} about the sea.", maxTokens: 20), key);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string key = LimitsHarness.ReaderKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", key);
        return await _h.Client.SendAsync(request);
    }

    private async Task<List<(string? Key, string? Period, long Requests, decimal Cost)>> UsageAsync(string query)
    {
        using var response = await GetAsync("admin/usage?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(r => (r.GetProperty("key").GetString(), r.GetProperty("period").GetString(),
            r.GetProperty("requests").GetInt64(), r.GetProperty("costUsd").GetDecimal()))];
    }

    [Fact]
    public async Task Usage_Filters_CountOnlyMatchingRequests()
    {
        Assert.Equal([("app", null, 3L)], (await UsageAsync("consumer=app")).Select(r => (r.Key, r.Period, r.Requests)));
        Assert.Equal([("team", 3L)], (await UsageAsync("by=group&group=team")).Select(r => (r.Key, r.Requests)));
        Assert.Equal(5, (await UsageAsync("by=deployment&deployment=chat&model=gpt-4o&backend=sim&pool=chat&priority=normal")).Single().Requests);
        Assert.Equal(5, (await UsageAsync("by=modality&modality=text")).Single(r => r.Key == "text").Requests);
        Assert.Empty(await UsageAsync("modality=embeddings"));
        Assert.Empty(await UsageAsync("modality=image"));
        Assert.Empty(await UsageAsync("serviceTier=flex"));
        Assert.Empty(await UsageAsync("backend=elsewhere"));
        // Combined with a time range and a period: 10:00 to the next day, by hour.
        Assert.Equal([("app", "2026-11-25T10", 1L)],
            (await UsageAsync("consumer=app&period=hour&since=2026-11-25T10:00:00Z&until=2026-11-26T00:00:00Z")).Select(r => (r.Key, r.Period, r.Requests)));
    }

    [Fact]
    public async Task Usage_OrderByCostWithLimit_TopSpenderFirst()
    {
        var all = await UsageAsync("by=consumer");
        Assert.Equal(3, all.Count);
        Assert.Equal(new HashSet<string?> { "app", Evil, Quoted }, all.Select(r => r.Key).ToHashSet());

        var top = await UsageAsync("by=consumer&order=cost&limit=2");

        Assert.Equal(2, top.Count);
        Assert.Equal("app", top[0].Key);
        Assert.True(top[0].Cost >= top[1].Cost);
        Assert.Equal(all.Where(r => r.Key != "app").Max(r => r.Cost), top[1].Cost);
    }

    [Fact]
    public async Task Series_HourByConsumer_TimeOrderedBucketsWithKnownCounts()
    {
        using var response = await GetAsync("admin/usage/series?interval=hour&by=consumer");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("hour", doc.RootElement.GetProperty("interval").GetString());
        var points = doc.RootElement.GetProperty("data").EnumerateArray()
            .Select(p => (p.GetProperty("start").GetDateTimeOffset(), p.GetProperty("key").GetString(), p.GetProperty("requests").GetInt64())).ToList();
        var nine = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(
        [
            (nine, "app", 2L),
            (nine.AddHours(1), Evil, 1L),
            (nine.AddHours(1), "app", 1L),
            (nine.AddDays(1), Quoted, 1L),
        ], points.OrderBy(p => p.Item1).ThenBy(p => p.Item2 == "app" ? 1 : 0).ToList());
        Assert.Equal(points.Select(p => p.Item1).Order(), points.Select(p => p.Item1));
        var first = doc.RootElement.GetProperty("data")[0];
        foreach (var member in new[] { "promptTokens", "completionTokens", "totalTokens", "cost" }) Assert.True(first.TryGetProperty(member, out _), member);
        Assert.Equal(first.GetProperty("promptTokens").GetInt64() + first.GetProperty("completionTokens").GetInt64(), first.GetProperty("totalTokens").GetInt64());
    }

    [Fact]
    public async Task Series_DayWithoutBy_OneTotalPerDay_FiltersApply()
    {
        using var response = await GetAsync("admin/usage/series?interval=day&modality=text");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var points = doc.RootElement.GetProperty("data").EnumerateArray()
            .Select(p => (p.GetProperty("start").GetDateTimeOffset().Day, p.GetProperty("key").ValueKind, p.GetProperty("requests").GetInt64())).ToList();
        Assert.Equal([(25, JsonValueKind.Null, 4L), (26, JsonValueKind.Null, 1L)], points);

        using var filtered = await GetAsync("admin/usage/series?interval=day&consumer=app&by=consumer");
        using var f = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync());
        Assert.Equal(3, f.RootElement.GetProperty("data").EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task Csv_BothEndpoints_AttachmentRfc4180AndFormulaSafe_RoundTrips()
    {
        using var response = await GetAsync("admin/usage?by=consumer&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches(@"^usage-consumer-\d{8}T\d{6}Z\.csv$", disposition.FileName);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        var rows = CsvReader.Parse(text);
        Assert.Equal(["consumer", "period", "requests", "promptTokens", "cachedTokens", "completionTokens", "totalTokens", "costUsd"], rows[0][..8]);
        var byKey = rows.Skip(1).ToDictionary(r => r[0], r => r);
        // The formula is neutralized with a leading apostrophe, the comma and quote survive quoting.
        Assert.Equal(new HashSet<string> { "app", "'" + Evil, Quoted }, byKey.Keys.ToHashSet());
        Assert.Equal("3", byKey["app"][2]);
        Assert.Equal("1", byKey["'" + Evil][2]);
        Assert.Contains("\"a,\"\"b\"\"\"", text, StringComparison.Ordinal);

        using var series = await GetAsync("admin/usage/series?interval=hour&by=consumer&format=csv");
        Assert.Equal("text/csv; charset=utf-8", series.Content.Headers.ContentType!.ToString());
        Assert.Matches(@"^usage-series-hour-consumer-\d{8}T\d{6}Z\.csv$", series.Content.Headers.ContentDisposition!.FileName);
        var points = CsvReader.Parse(await series.Content.ReadAsStringAsync());
        Assert.Equal(["start", "consumer", "requests", "promptTokens", "completionTokens", "totalTokens", "cost"], points[0]);
        Assert.Equal(4, points.Count - 1);
        Assert.Equal(["2026-11-25T09:00:00Z", "app", "2"], points[1][..3]);
        Assert.Contains(points, p => p[1] == Quoted && p[0] == "2026-11-26T09:00:00Z");
    }

    [Theory]
    [InlineData("admin/usage?by=nope")]
    [InlineData("admin/usage?period=week")]
    [InlineData("admin/usage?since=2026-11-26T00:00:00Z&until=2026-11-25T00:00:00Z")]
    [InlineData("admin/usage?since=yesterday")]
    [InlineData("admin/usage?modality=video")]
    [InlineData("admin/usage?order=loudest")]
    [InlineData("admin/usage?limit=0")]
    [InlineData("admin/usage?format=xml")]
    [InlineData("admin/usage/series?interval=week")]
    [InlineData("admin/usage/series")]
    [InlineData("admin/usage/series?interval=hour&by=nope")]
    [InlineData("admin/usage/series?interval=day&since=2026-11-26T00:00:00Z&until=2026-11-25T00:00:00Z")]
    public async Task BadValue_400InTheAzureShape(string path)
    {
        using var response = await GetAsync(path);
        await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest");
    }

    [Fact]
    public async Task Series_WithoutAManagementRole_403()
    {
        using var response = await GetAsync("admin/usage/series?interval=hour", LimitsHarness.AppKey);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
