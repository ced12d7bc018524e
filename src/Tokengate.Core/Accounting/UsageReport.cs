using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>Sums of the usage ledger by consumer, group, deployment, model or backend, per hour, day, month or in total.</summary>
internal static class UsageReport
{
    public static async Task<IReadOnlyList<UsageRow>> QueryAsync(IDatabase database, UsageQuery query, CancellationToken cancellationToken)
    {
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var key = query.By switch
        {
            UsageGrouping.Group => "consumer_group",
            UsageGrouping.Deployment => "deployment",
            UsageGrouping.Model => "model",
            UsageGrouping.Backend => "backend",
            _ => "consumer",
        };
        var period = query.Period switch
        {
            UsagePeriod.Hour => sqlite ? "substr(at, 1, 13)" : "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')",
            UsagePeriod.Day => sqlite ? "substr(at, 1, 10)" : "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            UsagePeriod.Month => sqlite ? "substr(at, 1, 7)" : "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM')",
            _ => "NULL",
        };

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string sql, string name, object? value)
        {
            if (value is null) return;
            where.Add(sql);
            command.AddParameter(name, value);
        }
        Filter("at >= @since", "@since", query.Since is { } since ? DbTimestamps.ToDb(since, database.Provider) : null);
        Filter("at < @until", "@until", query.Until is { } until ? DbTimestamps.ToDb(until, database.Provider) : null);
        Filter("consumer = @consumer", "@consumer", query.Consumer);
        Filter("consumer_group = @group", "@group", query.Group);
        Filter("deployment = @deployment", "@deployment", query.Deployment);
        Filter("model = @model", "@model", query.Model);
        command.CommandText = $"""
            SELECT {key}, {period}, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                   COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_nanousd), 0)
            FROM usage_ledger
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            GROUP BY {key}, {period}
            ORDER BY 2, 1
            """;

        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new UsageRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                UsageTime.FromNanoUsd(reader.GetInt64(6))));
        }
        return rows;
    }
}
