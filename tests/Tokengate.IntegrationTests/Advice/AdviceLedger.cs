using Microsoft.Data.Sqlite;

namespace Tokengate.IntegrationTests.Advice;

/// <summary>
/// Writes three synthetic months (November 2026, 43,200 minutes) of gpt-4o into a SQLite ledger, one row per busy
/// minute, costs at $2.50 input and $10 output per million tokens:
/// <c>steady</c> 100,000 prompt + 10,000 completion tokens every minute ($0.35);
/// <c>spiky</c> 200,000 prompt tokens in the first minute of each hour ($0.50), nothing else;
/// <c>chat</c> on the provisioned backend <c>ptu-east</c> (20 PTU = 50,000 tokens a minute), 50,000 prompt tokens
/// ($0.125) every minute from 00:00 to 11:59 UTC, nothing in the afternoon and evening: half idle.
/// </summary>
internal static class AdviceLedger
{
    public const string Since = "2026-11-01T00:00:00Z";
    public const string Until = "2026-12-01T00:00:00Z";
    public const string ProvisionedBackend = "ptu-east";
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task WriteAsync(string databaseFile)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Pooling=false");
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO usage_ledger (at, consumer, deployment, backend, model, prompt_tokens, cached_tokens, completion_tokens, cost_nanousd,
                status, latency_ms, stream, usage_source, operation)
            VALUES (@at, 'app', @deployment, @backend, 'gpt-4o', @prompt, 0, @completion, @cost, 200, 100, 0, 'response', 'chat.completions')
            """;
        var at = command.Parameters.Add("@at", SqliteType.Text);
        var deployment = command.Parameters.Add("@deployment", SqliteType.Text);
        var backend = command.Parameters.Add("@backend", SqliteType.Text);
        var prompt = command.Parameters.Add("@prompt", SqliteType.Integer);
        var completion = command.Parameters.Add("@completion", SqliteType.Integer);
        var cost = command.Parameters.Add("@cost", SqliteType.Integer);
        command.Prepare();
        async Task Row(DateTime minute, string name, string server, long p, long c, long nanos)
        {
            at.Value = minute.AddSeconds(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            deployment.Value = name;
            backend.Value = server;
            prompt.Value = p;
            completion.Value = c;
            cost.Value = nanos;
            await command.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < 30 * 24 * 60; i++)
        {
            var minute = Start.AddMinutes(i);
            await Row(minute, "steady", "payg-east", 100_000, 10_000, 350_000_000);
            if (minute.Minute == 0) await Row(minute, "spiky", "payg-east", 200_000, 0, 500_000_000);
            if (minute.Hour < 12) await Row(minute, "chat", ProvisionedBackend, 50_000, 0, 125_000_000);
        }
        await transaction.CommitAsync();
    }
}
