using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Secrets;
using Tokengate.Simulator;
using Tokengate.Storage;
using Xunit.Abstractions;

namespace Tokengate.IntegrationTests.Audit;

/// <summary>
/// Anonymous callers are bounded: a flood of calls without a valid credential, on the admin API or a model route,
/// is throttled per address after the failure limit, adds a bounded number of audit rows (aggregated, with a count)
/// and log lines, and leaves other addresses alone. The gateway runs on a test clock, so no aggregation interval and
/// no throttle window ends during the flood: everything it causes is one interval's worth, written when the gateway
/// stops gracefully.
/// </summary>
public sealed class AnonymousFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 10_000;
    private const int Parallelism = 8;
    private const int Limit = 10; // Tokengate:AuthFailures:Limit, default
    private const string ReaderKey = "tg_flood-reader-key";
    private const string ModelKey = "tg_flood-model-key";

    // The stated bounds: the flooding address adds one row (one interval, one reason); the other address's probe one
    // more; one row of slack. Before aggregation the flood alone added 10,000 rows and several MB.
    private const int MaxRowsAdded = 3;
    private const long MaxDatabaseGrowth = 1024 * 1024;
    private const int MaxLogLines = 20;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-flood-");
    private readonly CapturingLoggerProvider _logs = new();
    private SimulatorServer _backend = null!;
    private GatewayServer? _gateway;

    private string DatabasePath => Path.Combine(_data.FullName, SqliteDatabase.FileName);

    public async Task InitializeAsync()
    {
        _backend = await TestBackends.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = _data.FullName,
            ["Tokengate:KeyStore:LocalOperatorAccess"] = "false",
            ["Tokengate:Consumers:watcher:KeyHashes:0"] = KeyHash.Format(ReaderKey),
            ["Tokengate:Consumers:watcher:Roles:0"] = "reader",
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(ModelKey),
        };
        foreach (var (k, v) in TestBackends.Backend("gpt-4o", 0, "b1", _backend)) config[k] = v;
        _gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Services.AddSingleton<TimeProvider>(_time);
            b.Logging.AddProvider(_logs);
        });
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task KeylessAdminFlood_429AfterLimit_AuditRowsLogLinesAndDatabaseBounded_OtherAddressUnaffected()
    {
        var endpoint = _gateway!.Endpoint;
        var before = await MeasureAsync();
        using var flooder = AdminKeys.From("127.0.0.2", endpoint);

        var statuses = await FloodAsync(flooder, () => new HttpRequestMessage(HttpMethod.Get, "admin/pools"));
        Assert.Equal(Requests - Limit, statuses[(HttpStatusCode)429]);
        using (var blocked = await flooder.GetAsync("admin/pools"))
        {
            await AzureErrorAssert.IsErrorAsync(blocked, (HttpStatusCode)429, "429");
            Assert.True(int.Parse(blocked.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        // Another address: its own count, and a valid key works.
        using var other = AdminKeys.From("127.0.0.3", endpoint);
        using (var keyless = await other.GetAsync("admin/pools")) await AzureErrorAssert.IsErrorAsync(keyless, HttpStatusCode.Unauthorized, "401");
        using (var whoami = new HttpRequestMessage(HttpMethod.Get, "admin/whoami"))
        {
            whoami.Headers.Add("api-key", ReaderKey);
            using var answer = await other.SendAsync(whoami);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var (rows, growth, lines) = await StopAndMeasureAsync(before);
        var flood = Assert.Single(rows, r => r.Address == "127.0.0.2");
        Assert.Equal(("admin.unauthenticated", "no credential", Limit), (flood.Action, flood.Detail, flood.Count));
        Assert.Equal(1, Assert.Single(rows, r => r.Address == "127.0.0.3").Count);
        Assert.InRange(rows.Count, 1, MaxRowsAdded);
        Assert.InRange(growth, long.MinValue, MaxDatabaseGrowth - 1);
        Assert.InRange(lines.Count, 0, MaxLogLines);
    }

    [Fact]
    public async Task KeylessModelFlood_429AfterLimit_AuditRowsLogLinesAndDatabaseBounded_OtherAddressUnaffected()
    {
        var endpoint = _gateway!.Endpoint;
        var before = await MeasureAsync();
        using var flooder = AdminKeys.From("127.0.0.4", endpoint);

        var statuses = await FloodAsync(flooder, () => GatewayRequests.Chat("gpt-4o", "tg_wrong-guess"));
        Assert.Equal(Requests - Limit, statuses[(HttpStatusCode)429]);

        using var other = AdminKeys.From("127.0.0.5", endpoint);
        Assert.Equal(HttpStatusCode.OK, await AdminKeys.ChatStatusAsync(other, ModelKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await AdminKeys.ChatStatusAsync(other, "tg_typo"));

        var (rows, growth, lines) = await StopAndMeasureAsync(before);
        var flood = Assert.Single(rows, r => r.Address == "127.0.0.4");
        Assert.Equal(("authentication.failed", "invalid key", Limit), (flood.Action, flood.Detail, flood.Count));
        Assert.Equal("POST /openai/deployments/gpt-4o/chat/completions", flood.Target);
        Assert.Equal(1, Assert.Single(rows, r => r.Address == "127.0.0.5").Count);
        Assert.InRange(rows.Count, 1, MaxRowsAdded);
        Assert.InRange(growth, long.MinValue, MaxDatabaseGrowth - 1);
        Assert.InRange(lines.Count, 0, MaxLogLines);
    }

    /// <summary>
    /// The first <see cref="Limit"/> requests one by one (each must be a 401), then the rest on
    /// <see cref="Parallelism"/> connections; returns how many got each status.
    /// </summary>
    private static async Task<Dictionary<HttpStatusCode, int>> FloodAsync(HttpClient client, Func<HttpRequestMessage> request)
    {
        for (var i = 0; i < Limit; i++)
        {
            using var message = request();
            using var response = await client.SendAsync(message);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var counts = new int[Parallelism][];
        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(async worker =>
        {
            var mine = counts[worker] = new int[600];
            for (var i = worker; i < Requests - Limit; i += Parallelism)
            {
                using var message = request();
                using var response = await client.SendAsync(message);
                mine[(int)response.StatusCode]++;
            }
        }));
        var statuses = new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Unauthorized] = Limit };
        for (var status = 100; status < 600; status++)
        {
            var n = counts.Sum(c => c[status]);
            if (n > 0) statuses[(HttpStatusCode)status] = statuses.GetValueOrDefault((HttpStatusCode)status) + n;
        }
        return statuses;
    }

    private async Task<Measurement> MeasureAsync()
    {
        // Everything the start wrote is folded into the database file, so the growth measured later is the flood's.
        await using (var connection = await OpenAsync())
        await using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync();
        }
        return new Measurement(await MaxIdAsync(), DatabaseBytes(), _logs.Lines.Count);
    }

    /// <summary>Stops the gateway gracefully (the failure writer drains then) and says what the flood added.</summary>
    private async Task<(List<Row> Rows, long Growth, IReadOnlyList<string> Lines)> StopAndMeasureAsync(Measurement before)
    {
        await _gateway!.DisposeAsync();
        _gateway = null;
        var lines = _logs.Lines.Skip(before.LogLines).ToList();
        SqliteConnection.ClearAllPools();
        var growth = DatabaseBytes() - before.Bytes;

        var rows = new List<Row>();
        await using (var connection = await OpenAsync())
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT action, client_address, detail, target, count FROM audit_log WHERE id > @id ORDER BY id";
            query.Parameters.AddWithValue("@id", before.MaxId);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
        }
        output.WriteLine($"{Requests} requests: {rows.Count} audit rows added, database grew by {growth} bytes, {lines.Count} log lines from the flood to the end of the graceful stop.");
        foreach (var row in rows) output.WriteLine($"  row: {row}");
        foreach (var line in lines) output.WriteLine($"  log: {line}");
        return (rows, growth, lines);
    }

    private async Task<long> MaxIdAsync()
    {
        await using var connection = await OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT coalesce(max(id), 0) FROM audit_log";
        return (long)(await query.ExecuteScalarAsync())!;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private long DatabaseBytes() =>
        new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);

    private sealed record Measurement(long MaxId, long Bytes, int LogLines);

    private sealed record Row(string Action, string? Address, string? Detail, string? Target, long Count);
}
