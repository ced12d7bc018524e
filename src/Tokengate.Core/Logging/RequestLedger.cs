using System.Globalization;
using Tokengate.Accounting;
using Tokengate.Storage;

namespace Tokengate.Logging;

/// <summary>
/// Reads request metadata from the usage ledger, newest first. The ledger, not the request log, is the source: it has
/// a row for every request that reached a consumer and a deployment (screened-out ones included, with their verdict),
/// whatever the consumer's logging policy, on every instance of a fleet; the request log adds content only.
/// </summary>
internal static class RequestLedger
{
    private const string Columns = """
        record_id, at, consumer, consumer_group, deployment, pool, backend, model, operation, status, stream, latency_ms, ttfb_ms,
        prompt_tokens, cached_tokens, completion_tokens, cost_nanousd, priority, service_tier, screening, screened_out, batch_id
        """;

    /// <summary>The records matching the query, newest first; null when <see cref="RequestLogQuery.Before"/> names no request.</summary>
    public static async Task<IReadOnlyList<RequestLogRecord>?> QueryAsync(IDatabase database, RequestLogQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string sql, string name, object? value)
        {
            if (value is null) return;
            where.Add(sql);
            command.AddParameter(name, value);
        }
        Filter("record_id = @id", "@id", query.Id?.ToString());
        Filter("consumer = @consumer", "@consumer", query.Consumer);
        Filter("consumer_group = @group", "@group", query.Group);
        Filter("deployment = @deployment", "@deployment", query.Deployment);
        Filter("status >= @status_from", "@status_from", query.StatusFrom);
        Filter("status <= @status_to", "@status_to", query.StatusTo);
        Filter("at >= @since", "@since", query.Since is { } since ? DbTimestamps.ToDb(since, database.Provider) : null);
        Filter("at < @until", "@until", query.Until is { } until ? DbTimestamps.ToDb(until, database.Provider) : null);
        if (query.Outcome is { } outcome)
        {
            where.Add(outcome switch
            {
                RequestLogOutcome.Screened => "screened_out",
                RequestLogOutcome.Success => "status < 400 AND NOT screened_out",
                RequestLogOutcome.Throttled => "status = 429 AND NOT screened_out",
                _ => "status >= 400 AND NOT screened_out",
            });
        }
        if (query.Before is { } before)
        {
            // Keyset paging: strictly older than the named request (same time: a lower row id).
            await using (var cursor = connection.CreateCommand())
            {
                cursor.CommandText = "SELECT at, id FROM usage_ledger WHERE record_id = @before";
                cursor.AddParameter("@before", before.ToString());
                await using var reader = await cursor.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
                command.AddParameter("@before_at", reader.GetValue(0));
                command.AddParameter("@before_id", reader.GetInt64(1));
            }
            where.Add("(at < @before_at OR (at = @before_at AND id < @before_id))");
        }
        command.CommandText = $"""
            SELECT {Columns}
            FROM usage_ledger
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY at DESC, id DESC
            LIMIT {query.Limit.ToString(CultureInfo.InvariantCulture)}
            """;

        var records = new List<RequestLogRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                records.Add(new RequestLogRecord(
                    reader.IsDBNull(0) ? null : Guid.Parse(reader.GetString(0)),
                    DbTimestamps.Read(reader, 1),
                    reader.GetString(2), Text(3), reader.GetString(4), Text(5), Text(6), Text(7), Text(8),
                    Convert.ToInt32(reader.GetValue(9), CultureInfo.InvariantCulture),
                    Convert.ToBoolean(reader.GetValue(10), CultureInfo.InvariantCulture),
                    reader.GetDouble(11),
                    reader.IsDBNull(12) ? null : reader.GetDouble(12),
                    reader.GetInt64(13), reader.GetInt64(14), reader.GetInt64(15),
                    UsageTime.FromNanoUsd(reader.GetInt64(16)),
                    Text(17), Text(18), Text(19),
                    Convert.ToBoolean(reader.GetValue(20), CultureInfo.InvariantCulture),
                    Text(21)));
            }
        }
        return records;
    }
}
