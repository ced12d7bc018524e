using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tokengate.Admin;
using Tokengate.Identity;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// The usage explorer of the admin API (reader and above): <c>GET /admin/usage</c> (sums by a dimension, per period or
/// in total, with filters, order and limit) and <c>GET /admin/usage/series</c> (the same sums per hour or day, in time
/// order), each as JSON or, with <c>format=csv</c>, as a CSV download (<see cref="CsvText"/>). Every bad value is a 400
/// in the Azure shape.
/// </summary>
internal static class UsageApi
{
    private const string Dimensions = "consumer, group, deployment, pool, model, backend, priority, service_tier, operation or modality";

    public static async Task<IResult> ReportAsync(HttpContext context, IDatabase database, TimeProvider time, CancellationToken ct)
    {
        var q = context.Request.Query;
        var buckets = UsagePeriod.Total;
        if (q["period"].ToString() is { Length: > 0 } period && (!Enum.TryParse(period, ignoreCase: true, out buckets) || !Enum.IsDefined(buckets) || int.TryParse(period, out _)))
            return Bad("'period' is total, hour, day or month.");
        var parsed = Parse(q, time, buckets);
        if (parsed.Error is { } error) return Bad(error);
        var query = parsed.Query!;
        var rows = await UsageReport.QueryAsync(database, query, ct).ConfigureAwait(false);
        var by = ByName(query.By);
        if (parsed.Csv)
        {
            var csv = new StringBuilder();
            CsvText.AppendLine(csv, [by, "period", "requests", "promptTokens", "cachedTokens", "completionTokens", "totalTokens", "costUsd",
                "audioInputTokens", "imageInputTokens", "audioOutputTokens", "imageOutputTokens", "images", "audioSeconds", "characters"]);
            foreach (var r in rows)
            {
                CsvText.AppendLine(csv, [CsvText.Text(r.Key), CsvText.Text(r.Period), Num(r.Requests), Num(r.PromptTokens), Num(r.CachedTokens), Num(r.CompletionTokens),
                    Num(r.TotalTokens), Money(r.CostUsd), Num(r.AudioInputTokens), Num(r.ImageInputTokens), Num(r.AudioOutputTokens), Num(r.ImageOutputTokens),
                    Num(r.Images), r.AudioSeconds.ToString("0.###", CultureInfo.InvariantCulture), Num(r.Characters)]);
            }
            return CsvText.Attachment(context, csv, FileName($"usage-{by}", time));
        }
        return Results.Json(new
        {
            by,
            period = query.Period.ToString().ToLowerInvariant(),
            data = rows.Select(r => new
            {
                key = r.Key,
                period = r.Period,
                requests = r.Requests,
                promptTokens = r.PromptTokens,
                cachedTokens = r.CachedTokens,
                completionTokens = r.CompletionTokens,
                totalTokens = r.TotalTokens,
                costUsd = r.CostUsd,
                audioInputTokens = r.AudioInputTokens,
                imageInputTokens = r.ImageInputTokens,
                audioOutputTokens = r.AudioOutputTokens,
                imageOutputTokens = r.ImageOutputTokens,
                images = r.Images,
                audioSeconds = r.AudioSeconds,
                characters = r.Characters,
            }),
        });
    }

    public static async Task<IResult> SeriesAsync(HttpContext context, IDatabase database, TimeProvider time, CancellationToken ct)
    {
        var q = context.Request.Query;
        var interval = q["interval"].ToString();
        var period = interval.ToLowerInvariant() switch
        {
            "hour" => UsagePeriod.Hour,
            "day" => UsagePeriod.Day,
            _ => (UsagePeriod?)null,
        };
        if (period is null) return Bad("'interval' is hour or day.");
        // Without 'by', one series of totals (key null).
        var parsed = Parse(q, time, period.Value, defaultBy: null);
        if (parsed.Error is { } error) return Bad(error);
        var query = parsed.Query!;
        var rows = await UsageReport.QueryAsync(database, query, ct).ConfigureAwait(false);
        var points = rows.Select(r => (Start: BucketStart(r.Period!), Row: r)).ToList();
        var by = parsed.Grouped ? ByName(query.By) : null;
        if (parsed.Csv)
        {
            var csv = new StringBuilder();
            CsvText.AppendLine(csv, ["start", by ?? "key", "requests", "promptTokens", "completionTokens", "totalTokens", "cost"]);
            foreach (var (start, r) in points)
            {
                CsvText.AppendLine(csv, [start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), CsvText.Text(parsed.Grouped ? r.Key : null),
                    Num(r.Requests), Num(r.PromptTokens), Num(r.CompletionTokens), Num(r.TotalTokens), Money(r.CostUsd)]);
            }
            return CsvText.Attachment(context, csv, FileName($"usage-series-{interval.ToLowerInvariant()}-{by ?? "total"}", time));
        }
        return Results.Json(new
        {
            interval = interval.ToLowerInvariant(),
            by,
            data = points.Select(p => new
            {
                start = p.Start,
                key = parsed.Grouped ? p.Row.Key : null,
                requests = p.Row.Requests,
                promptTokens = p.Row.PromptTokens,
                completionTokens = p.Row.CompletionTokens,
                totalTokens = p.Row.TotalTokens,
                cost = p.Row.CostUsd,
            }),
        });
    }

    /// <summary>The grouping's name as the API spells it (<c>service_tier</c>).</summary>
    public static string ByName(UsageGrouping grouping) => grouping == UsageGrouping.ServiceTier ? "service_tier" : grouping.ToString().ToLowerInvariant();

    private sealed record Parsed(UsageQuery? Query, bool Csv, bool Grouped, string? Error);

    /// <summary>The filters, grouping, order, limit and format common to both endpoints; an error names the parameter at fault.</summary>
    private static Parsed Parse(IQueryCollection q, TimeProvider time, UsagePeriod period, UsageGrouping? defaultBy = UsageGrouping.Consumer)
    {
        static Parsed Fail(string message) => new(null, false, false, message);
        var grouping = defaultBy ?? UsageGrouping.Consumer;
        var grouped = defaultBy is not null;
        if (q["by"].ToString() is { Length: > 0 } by)
        {
            if (!UsageReport.TryParseGrouping(by, out grouping) || int.TryParse(by, out _)) return Fail($"'by' is {Dimensions}.");
            grouped = true;
        }
        var now = time.GetUtcNow();
        DateTimeOffset? since = null, until = null;
        if (q["since"].ToString() is { Length: > 0 } sinceText)
        {
            if (!DurationText.TryParseMoment(sinceText, now, -1, out var s)) return Fail("'since' is an ISO-8601 time or a duration ago (1h, 7d).");
            since = s;
        }
        if (q["until"].ToString() is { Length: > 0 } untilText)
        {
            if (!DurationText.TryParseMoment(untilText, now, -1, out var u)) return Fail("'until' is an ISO-8601 time or a duration ago (1h, 7d).");
            until = u;
        }
        if (since > until) return Fail("'since' is after 'until'.");
        UsageModality? modality = null;
        if (q["modality"].ToString() is { Length: > 0 } modalityText)
        {
            if (!Enum.TryParse<UsageModality>(modalityText, ignoreCase: true, out var m) || !Enum.IsDefined(m) || int.TryParse(modalityText, out _))
                return Fail("'modality' is text, image, audio or embeddings.");
            modality = m;
        }
        var order = UsageOrder.Key;
        if (q["order"].ToString() is { Length: > 0 } orderText
            && (!Enum.TryParse(orderText, ignoreCase: true, out order) || !Enum.IsDefined(order) || int.TryParse(orderText, out _)))
            return Fail("'order' is key, cost, requests or tokens.");
        int? limit = null;
        if (q["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l is < 1 or > 100_000) return Fail("'limit' is a whole number from 1 to 100000.");
            limit = l;
        }
        var format = q["format"].ToString();
        if (format.Length > 0 && !format.Equals("json", StringComparison.OrdinalIgnoreCase) && !format.Equals("csv", StringComparison.OrdinalIgnoreCase))
            return Fail("'format' is json or csv.");

        string? Text(string name) => q[name].ToString() is { Length: > 0 } v ? v : null;
        var query = new UsageQuery(grouping, period, since, until, Text("consumer"), Text("group"), Text("deployment"), Text("model"))
        {
            Priority = Text("priority"),
            Backend = Text("backend"),
            Pool = Text("pool"),
            ServiceTier = Text("serviceTier") ?? Text("service_tier"),
            Operation = Text("operation"),
            Modality = modality,
            Order = order,
            Limit = limit,
        };
        // A series without 'by' sums everything per bucket: grouped by nothing.
        return new Parsed(query with { Ungrouped = !grouped }, format.Equals("csv", StringComparison.OrdinalIgnoreCase), grouped, null);
    }

    /// <summary>The start of a bucket from its SQL text (<c>yyyy-MM-ddTHH</c> or <c>yyyy-MM-dd</c>, UTC).</summary>
    private static DateTimeOffset BucketStart(string period) =>
        DateTimeOffset.ParseExact(period.Length == 13 ? period + ":00:00Z" : period + "T00:00:00Z", "yyyy-MM-dd'T'HH:mm:ss'Z'",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string FileName(string stem, TimeProvider time) =>
        $"{stem.Replace('_', '-')}-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.csv";

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal usd) => usd.ToString("0.#########", CultureInfo.InvariantCulture);

    private static GatewayErrorResult Bad(string message) => new(AdminErrors.BadRequest(message));
}
