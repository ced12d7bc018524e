using System.Globalization;
using Tokengate.Accounting;
using Tokengate.Storage;

namespace Tokengate.Advice;

/// <summary>The ledger's per-minute token profile: sums by deployment, backend, model and UTC minute, for both engines.</summary>
internal static class AdviceQuery
{
    public static async Task<IReadOnlyList<LedgerMinute>> LoadAsync(IDatabase database, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var minute = database.Provider == DatabaseProvider.Sqlite
            ? "substr(at, 1, 16)"
            : "to_char(date_trunc('minute', at AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI')";
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT deployment, backend, model, {minute}, COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                   COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_nanousd), 0)
            FROM usage_ledger
            WHERE at >= @since AND at < @until
            GROUP BY deployment, backend, model, {minute}
            """;
        command.AddParameter("@since", DbTimestamps.ToDb(since, database.Provider));
        command.AddParameter("@until", DbTimestamps.ToDb(until, database.Provider));
        var rows = new List<LedgerMinute>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var at = DateTime.ParseExact(reader.GetString(3), "yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            rows.Add(new LedgerMinute(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                new MinuteUsage(at, reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), UsageTime.FromNanoUsd(reader.GetInt64(7)))));
        }
        return rows;
    }

    /// <summary>
    /// Successful requests (status 2xx) by consumer, deployment and model: count and token sums, for the model,
    /// caching and truncation sections. Rows without a model are left out: they cannot be priced.
    /// </summary>
    public static async Task<IReadOnlyList<UsageShape>> LoadShapesAsync(IDatabase database, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT consumer, deployment, model, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                   COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_nanousd), 0),
                   COALESCE(SUM(CASE WHEN max_output_tokens IS NOT NULL THEN 1 ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN max_output_tokens IS NOT NULL AND completion_tokens >= max_output_tokens THEN 1 ELSE 0 END), 0)
            FROM usage_ledger
            WHERE at >= @since AND at < @until AND status >= 200 AND status < 300 AND model IS NOT NULL
            GROUP BY consumer, deployment, model
            """;
        command.AddParameter("@since", DbTimestamps.ToDb(since, database.Provider));
        command.AddParameter("@until", DbTimestamps.ToDb(until, database.Provider));
        var rows = new List<UsageShape>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new UsageShape(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetInt64(6), UsageTime.FromNanoUsd(reader.GetInt64(7)), reader.GetInt64(8), reader.GetInt64(9)));
        }
        return rows;
    }
}
