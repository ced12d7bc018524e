using System.Net;
using Microsoft.Data.Sqlite;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Priority;

/// <summary>Priority classes through a gateway: granted by group, lowered by the header, never raised, recorded in the ledger (with the output bound each request was admitted with).</summary>
public sealed class PriorityClassTests : IAsyncLifetime
{
    private LimitsHarness _h = null!;

    public async Task InitializeAsync() => _h = await LimitsHarness.StartAsync(new()
    {
        ["Tokengate:Priority:Groups:team"] = "normal",
        ["Tokengate:Priority:Consumers:watcher"] = "high",
    });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<HttpResponseMessage> ChatAsync(string? priority)
    {
        var request = GatewayRequests.Chat(LimitsHarness.Deployment, LimitsHarness.AppKey, body: LimitsHarness.ChatBody("Hello", maxTokens: 10));
        if (priority is not null) request.Headers.Add("x-tokengate-priority", priority);
        return await _h.Client.SendAsync(request);
    }

    [Fact]
    public async Task Requests_GrantedClass_LoweredByHeader_NeverRaised_RecordedInTheLedger()
    {
        foreach (var header in new string?[] { null, "low", "high" })
        {
            using var response = await ChatAsync(header);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var rows = await PrioritiesAsync(3);
        Assert.Equal(["normal", "low", "normal"], rows.Select(r => r.Priority));
        // max_tokens 10, one choice: the bound truncation advice compares completion tokens with.
        Assert.All(rows, r => Assert.Equal(10L, r.MaxOutputTokens));
    }

    [Fact]
    public async Task UnknownClass_400NamingTheClasses_NothingForwarded()
    {
        using var response = await ChatAsync("urgent");
        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_priority");
        Assert.Contains("high, normal, low", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _h.Backend.Control.GetStats("gpt-4o").RequestsReceived);
    }

    private async Task<List<(string? Priority, long? MaxOutputTokens)>> PrioritiesAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_h.Data.FullName, "tokengate.db")};Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT priority, max_output_tokens FROM usage_ledger ORDER BY id";
            var rows = new List<(string?, long?)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            }
            if (rows.Count >= count) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"{rows.Count} ledger rows of {count}");
            await Task.Delay(25);
        }
    }
}
