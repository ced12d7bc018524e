using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>Sums of the usage ledger by consumer, group, deployment, pool, model, backend, priority, service tier, operation or modality, per hour, day, month or in total.</summary>
internal static class UsageReport
{
    /// <summary>A grouping by name, case-insensitive, underscores ignored (so <c>service_tier</c> names <see cref="UsageGrouping.ServiceTier"/>).</summary>
    public static bool TryParseGrouping(string text, out UsageGrouping grouping) =>
        Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out grouping) && Enum.IsDefined(grouping);

    public static async Task<IReadOnlyList<UsageRow>> QueryAsync(IDatabase database, UsageQuery query, CancellationToken cancellationToken)
    {
        var sqlite = database.Provider == DatabaseProvider.Sqlite;
        var key = query.Ungrouped ? "NULL" : query.By switch
        {
            UsageGrouping.Group => "consumer_group",
            UsageGrouping.Deployment => "deployment",
            UsageGrouping.Model => "model",
            UsageGrouping.Backend => "backend",
            UsageGrouping.Operation => "operation",
            UsageGrouping.Priority => "priority",
            UsageGrouping.ServiceTier => "service_tier",
            UsageGrouping.Pool => "COALESCE(pool, deployment)",
            UsageGrouping.Modality => "NULL",
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
        Filter("priority = @priority", "@priority", query.Priority);
        Filter("backend = @backend", "@backend", query.Backend);
        Filter("COALESCE(pool, deployment) = @pool", "@pool", query.Pool);
        Filter("service_tier = @service_tier", "@service_tier", query.ServiceTier);
        Filter("operation = @operation", "@operation", query.Operation);
        if (query.Modality is { } modality) where.Add(ModalitySql(modality));
        // Modality rows are split after the query: order and limit them there.
        var inSql = query.Ungrouped || query.By != UsageGrouping.Modality;
        var order = inSql ? OrderSql(query.Order) : "2, 1";
        var limit = inSql && query.Limit is { } l ? $"LIMIT {l.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "";
        command.CommandText = $"""
            SELECT {key}, {period}, COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                   COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_nanousd), 0),
                   COALESCE(SUM(audio_input_tokens), 0), COALESCE(SUM(image_input_tokens), 0), COALESCE(SUM(audio_output_tokens), 0),
                   COALESCE(SUM(image_output_tokens), 0), COALESCE(SUM(images), 0), COALESCE(SUM(audio_ms), 0), COALESCE(SUM(characters), 0),
                   COUNT(CASE WHEN prompt_tokens > audio_input_tokens + image_input_tokens OR completion_tokens > audio_output_tokens + image_output_tokens THEN 1 END),
                   COUNT(CASE WHEN audio_input_tokens > 0 OR audio_output_tokens > 0 OR audio_ms > 0 OR characters > 0 THEN 1 END),
                   COUNT(CASE WHEN image_input_tokens > 0 OR image_output_tokens > 0 OR images > 0 THEN 1 END)
            FROM usage_ledger
            {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            {GroupBy(key, period)}
            ORDER BY {order}
            {limit}
            """;

        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new UsageRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                UsageTime.FromNanoUsd(reader.GetInt64(6)))
            {
                AudioInputTokens = reader.GetInt64(7),
                ImageInputTokens = reader.GetInt64(8),
                AudioOutputTokens = reader.GetInt64(9),
                ImageOutputTokens = reader.GetInt64(10),
                Images = reader.GetInt64(11),
                AudioSeconds = reader.GetInt64(12) / 1000.0,
                Characters = reader.GetInt64(13),
            };
            if (!inSql) rows.AddRange(ByModality(row, reader.GetInt64(14), reader.GetInt64(15), reader.GetInt64(16)));
            else rows.Add(row);
        }
        if (inSql) return rows;
        IEnumerable<UsageRow> ordered = query.Order switch
        {
            UsageOrder.Cost => rows.OrderBy(r => r.Period, StringComparer.Ordinal).ThenByDescending(r => r.CostUsd),
            UsageOrder.Requests => rows.OrderBy(r => r.Period, StringComparer.Ordinal).ThenByDescending(r => r.Requests),
            UsageOrder.Tokens => rows.OrderBy(r => r.Period, StringComparer.Ordinal).ThenByDescending(r => r.TotalTokens),
            _ => rows,
        };
        return [.. query.Limit is { } max ? ordered.Take(max) : ordered];
    }

    /// <summary>The ORDER BY list: time first (series stay in order), then the chosen measure, then the key (ties stay stable).</summary>
    private static string OrderSql(UsageOrder order) => order switch
    {
        UsageOrder.Cost => "2, 7 DESC, 1",
        UsageOrder.Requests => "2, 3 DESC, 1",
        UsageOrder.Tokens => "2, COALESCE(SUM(prompt_tokens), 0) + COALESCE(SUM(completion_tokens), 0) DESC, 1",
        _ => "2, 1",
    };

    /// <summary>The WHERE condition of a modality (see <see cref="UsageModality"/>); rows without an operation are text.</summary>
    private static string ModalitySql(UsageModality modality) => modality switch
    {
        UsageModality.Embeddings => "operation = 'embeddings'",
        UsageModality.Image => "(operation LIKE 'images.%' OR image_input_tokens > 0 OR image_output_tokens > 0 OR images > 0)",
        UsageModality.Audio => "(operation LIKE 'audio.%' OR audio_input_tokens > 0 OR audio_output_tokens > 0 OR audio_ms > 0 OR characters > 0)",
        _ => """
            (COALESCE(operation, 'chat.completions') <> 'embeddings' AND COALESCE(operation, '') NOT LIKE 'images.%' AND COALESCE(operation, '') NOT LIKE 'audio.%'
             AND (prompt_tokens > audio_input_tokens + image_input_tokens OR completion_tokens > audio_output_tokens + image_output_tokens OR prompt_tokens + completion_tokens = 0))
            """,
    };

    /// <summary>The GROUP BY clause without the constant columns (PostgreSQL refuses <c>GROUP BY NULL</c>); none when both are constant.</summary>
    private static string GroupBy(params string[] columns)
    {
        var grouped = columns.Where(c => c != "NULL").ToList();
        return grouped.Count == 0 ? "" : "GROUP BY " + string.Join(", ", grouped);
    }

    /// <summary>One period's totals as a row per modality (cost is not split by modality).</summary>
    private static IEnumerable<UsageRow> ByModality(UsageRow all, long textRequests, long audioRequests, long imageRequests)
    {
        yield return new UsageRow("text", all.Period, textRequests,
            all.PromptTokens - all.AudioInputTokens - all.ImageInputTokens, 0, all.CompletionTokens - all.AudioOutputTokens - all.ImageOutputTokens, 0);
        yield return new UsageRow("audio", all.Period, audioRequests, all.AudioInputTokens, 0, all.AudioOutputTokens, 0)
        {
            AudioInputTokens = all.AudioInputTokens, AudioOutputTokens = all.AudioOutputTokens, AudioSeconds = all.AudioSeconds, Characters = all.Characters,
        };
        yield return new UsageRow("image", all.Period, imageRequests, all.ImageInputTokens, 0, all.ImageOutputTokens, 0)
        {
            ImageInputTokens = all.ImageInputTokens, ImageOutputTokens = all.ImageOutputTokens, Images = all.Images,
        };
    }
}
