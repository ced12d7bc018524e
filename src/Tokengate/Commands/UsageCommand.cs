using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.Accounting;
using Tokengate.Admin;
using Tokengate.Storage;

namespace Tokengate.Commands;

/// <summary><c>tokengate usage</c>: usage and cost from the ledger in a data folder.</summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The gateway's data folder (holding tokengate.db).", DefaultValueFactory = _ => new DirectoryInfo("tokengate-data") };
        var by = new Option<UsageGrouping>("--by")
        {
            Description = "Sum by consumer, group, deployment, pool, model, backend, priority, service_tier, operation or modality.",
            DefaultValueFactory = _ => UsageGrouping.Consumer,
            CustomParser = result =>
            {
                if (UsageReport.TryParseGrouping(result.Tokens[^1].Value, out var grouping)) return grouping;
                result.AddError($"'{result.Tokens[^1].Value}' is not a grouping: consumer, group, deployment, pool, model, backend, priority, service_tier, operation or modality.");
                return UsageGrouping.Consumer;
            },
        };
        var period = new Option<UsagePeriod>("--period") { Description = "Buckets: total, hour, day or month (UTC).", DefaultValueFactory = _ => UsagePeriod.Total };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only usage at or after this time (e.g. 2026-11-01)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only usage before this time." };
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer." };
        var group = new Option<string?>("--group") { Description = "Only this consumer group." };
        var deployment = new Option<string?>("--deployment") { Description = "Only this logical deployment." };
        var model = new Option<string?>("--model") { Description = "Only this model." };
        var priority = new Option<string?>("--priority") { Description = "Only this priority class." };
        var backend = new Option<string?>("--backend") { Description = "Only this backend." };
        var pool = new Option<string?>("--pool") { Description = "Only this pool (the one that served)." };
        var serviceTier = new Option<string?>("--service-tier") { Description = "Only this service_tier (priority, default, flex)." };
        var operation = new Option<string?>("--operation") { Description = "Only this operation (chat.completions, embeddings, ...)." };
        var modality = new Option<UsageModality?>("--modality") { Description = "Only text, image, audio or embeddings requests (a chat with an image counts as text and image)." };
        var order = new Option<UsageOrder>("--order") { Description = "key (default), cost, requests or tokens: the largest first within each period.", DefaultValueFactory = _ => UsageOrder.Key };
        var limit = new Option<int?>("--limit") { Description = "At most this many rows (e.g. the top 10 spenders: --order cost --limit 10)." };
        var format = new Option<string>("--format") { Description = "table, csv or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var csv = new Option<bool>("--csv") { Description = "The same as --format csv (RFC 4180, formula-safe cells)." };

        var command = new Command("usage", "Show tokens and cost from the usage ledger, by consumer, group, deployment or model and period.")
        {
            data, by, period, since, until, consumer, group, deployment, model, priority, backend, pool, serviceTier, operation, modality, order, limit, format, csv,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(data)!;
            if (!File.Exists(Path.Combine(folder.FullName, SqliteDatabase.FileName)))
            {
                await Console.Error.WriteLineAsync($"No Tokengate database in {folder.FullName}.").ConfigureAwait(false);
                return 2;
            }
            var query = new UsageQuery(parse.GetValue(by), parse.GetValue(period), parse.GetValue(since), parse.GetValue(until),
                parse.GetValue(consumer), parse.GetValue(group), parse.GetValue(deployment), parse.GetValue(model))
            {
                Priority = parse.GetValue(priority),
                Backend = parse.GetValue(backend),
                Pool = parse.GetValue(pool),
                ServiceTier = parse.GetValue(serviceTier),
                Operation = parse.GetValue(operation),
                Modality = parse.GetValue(modality),
                Order = parse.GetValue(order),
                Limit = parse.GetValue(limit) is { } l and > 0 ? l : null,
            };
            if (query.Since > query.Until)
            {
                await Console.Error.WriteLineAsync("--since is after --until.").ConfigureAwait(false);
                return 2;
            }
            IReadOnlyList<UsageRow> rows;
            try
            {
                rows = await UsageReport.QueryAsync(new SqliteDatabase(folder.FullName), query, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                await Console.Error.WriteLineAsync($"Could not read the usage ledger: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
            }
            await Console.Out.WriteAsync(Render(rows, query, parse.GetValue(csv) ? "csv" : parse.GetValue(format)!)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static string Render(IReadOnlyList<UsageRow> rows, UsageQuery query, string format)
    {
        var key = query.By.ToString().ToLowerInvariant();
        // The media columns appear when any row has media usage (or rows are by modality).
        var media = query.By == UsageGrouping.Modality || rows.Any(r => r.AudioInputTokens + r.ImageInputTokens + r.AudioOutputTokens + r.ImageOutputTokens + r.Images + r.Characters > 0 || r.AudioSeconds > 0);
        string[] header = [key, "period", "requests", "prompt_tokens", "cached_tokens", "completion_tokens", "total_tokens", "cost_usd",
            .. media ? new[] { "audio_in", "image_in", "audio_out", "image_out", "images", "audio_seconds", "characters" } : []];
        var lines = rows.Select(r => (string[])
        [
            r.Key ?? "-", r.Period ?? "all", Num(r.Requests), Num(r.PromptTokens), Num(r.CachedTokens), Num(r.CompletionTokens), Num(r.TotalTokens),
            r.CostUsd.ToString("0.000000", CultureInfo.InvariantCulture),
            .. media ? MediaColumns(r) : [],
        ]).ToList();

        switch (format)
        {
            case "json":
                return JsonSerializer.Serialize(rows.Select(r => new Dictionary<string, object?>
                {
                    [key] = r.Key, ["period"] = r.Period, ["requests"] = r.Requests, ["promptTokens"] = r.PromptTokens,
                    ["cachedTokens"] = r.CachedTokens, ["completionTokens"] = r.CompletionTokens, ["totalTokens"] = r.TotalTokens, ["costUsd"] = r.CostUsd,
                    ["audioInputTokens"] = r.AudioInputTokens, ["imageInputTokens"] = r.ImageInputTokens, ["audioOutputTokens"] = r.AudioOutputTokens,
                    ["imageOutputTokens"] = r.ImageOutputTokens, ["images"] = r.Images, ["audioSeconds"] = r.AudioSeconds, ["characters"] = r.Characters,
                })) + Environment.NewLine;
            case "csv":
                var text = new System.Text.StringBuilder();
                CsvText.AppendLine(text, header);
                foreach (var line in lines) CsvText.AppendLine(text, line.Select((cell, i) => i < 2 ? CsvText.Text(cell) : cell));
                return text.ToString();
            default:
                var all = new[] { header }.Concat(lines).ToList();
                var widths = header.Select((_, i) => all.Max(l => l[i].Length)).ToArray();
                return string.Join(Environment.NewLine, all.Select(l => string.Join("  ", l.Select((v, i) => i < 2 ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))).TrimEnd())) + Environment.NewLine;
        }
    }

    private static string[] MediaColumns(UsageRow r) =>
    [
        Num(r.AudioInputTokens), Num(r.ImageInputTokens), Num(r.AudioOutputTokens), Num(r.ImageOutputTokens), Num(r.Images),
        r.AudioSeconds.ToString("0.###", CultureInfo.InvariantCulture), Num(r.Characters),
    ];

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
