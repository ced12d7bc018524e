using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tokengate.FineTuning;
using Tokengate.Storage;

namespace Tokengate.Commands;

/// <summary><c>tokengate finetune list</c>: the fine-tuning jobs in a data folder's registry, read from its database directly.</summary>
internal static class FineTuneCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The gateway's data folder (holding tokengate.db).", DefaultValueFactory = _ => new DirectoryInfo("tokengate-data") };
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer's jobs." };
        var limit = new Option<int>("--limit") { Description = "At most this many jobs, newest first.", DefaultValueFactory = _ => 100 };
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var list = new Command("list", "List fine-tuning jobs, newest first: id, consumer, deployment, backend, base model, status, fine-tuned model, trained tokens, created and finished times (as the gateway last saw them).")
        {
            data, consumer, limit, format,
        };
        list.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(data)!;
            if (!File.Exists(Path.Combine(folder.FullName, SqliteDatabase.FileName)))
            {
                await Console.Error.WriteLineAsync($"No Tokengate database in {folder.FullName}.").ConfigureAwait(false);
                return 2;
            }
            var size = Math.Max(1, parse.GetValue(limit));
            List<FineTuningJobRecord> jobs;
            try
            {
                jobs = await new FineTuningCatalog(new SqliteDatabase(folder.FullName)).ListAsync(parse.GetValue(consumer), null, size, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                await Console.Error.WriteLineAsync($"Could not read the fine-tuning registry: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
            }
            if (jobs.Count > size) jobs.RemoveAt(jobs.Count - 1);
            await Console.Out.WriteAsync(Render(jobs, parse.GetValue(format)!)).ConfigureAwait(false);
            return 0;
        });
        return new Command("finetune", "Fine-tuning jobs created through the gateway.") { list };
    }

    internal static string Render(IReadOnlyList<FineTuningJobRecord> jobs, string format)
    {
        if (format == "json") return JsonSerializer.Serialize(jobs.Select(FineTuningJobView.From)) + Environment.NewLine;
        string[] header = ["id", "consumer", "deployment", "backend", "base_model", "status", "fine_tuned_model", "trained_tokens", "created_at", "finished_at"];
        var lines = jobs.Select(j => (string[])
        [
            j.Id, j.Consumer, j.Pool, j.Backend, j.BaseModel, j.Status, j.FineTunedModel ?? "-",
            j.TrainedTokens?.ToString(CultureInfo.InvariantCulture) ?? "-", Time(j.CreatedAt), j.FinishedAt is { } f ? Time(f) : "-",
        ]);
        var all = new[] { header }.Concat(lines).ToList();
        var widths = header.Select((_, i) => all.Max(l => l[i].Length)).ToArray();
        return string.Join(Environment.NewLine, all.Select(l => string.Join("  ", l.Select((v, i) => v.PadRight(widths[i]))).TrimEnd())) + Environment.NewLine;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
