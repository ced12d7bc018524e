using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Recovery;
using Tokengate.Storage;

namespace Tokengate.Commands;

/// <summary>
/// <c>tokengate dr</c>: disaster recovery of the gateway's data (backup, verify, restore) and a plan to recreate its
/// fine-tuned models elsewhere. Each subcommand reads the configuration <c>serve</c> reads (appsettings.json, a
/// <c>--config</c> file, environment variables), so it finds the same database, blob store and key-encryption keys.
/// </summary>
internal static class DrCommand
{
    public static Command Create()
    {
        var command = new Command("dr", "Disaster recovery: back up the gateway's data (encrypted, incremental), verify a backup, restore it into an empty data folder, plan the recreation of fine-tuned models.")
        {
            Backup(), Verify(), Restore(), RedeployPlan(),
        };
        return command;
    }

    private static Option<string> Target(string name, string description) => new(name) { Description = description, Required = true };

    private static Option<string?> BackupId() => new("--backup") { Description = "The backup id (default: the latest in the target)." };

    private static Command Backup()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.Config();
        var to = Target("--to", $"Where to: a folder, or {BackupTarget.Scheme}CONTAINER (connection string in ${BackupTarget.ConnectionStringVariable}).");
        var command = new Command("backup", "Copy the database (as of one moment, encrypted under a new backup key) and the stored files' ciphertext that the target's previous backup lacks, then write the manifest.")
        {
            to, data, config,
        };
        command.SetAction((parse, ct) => RunAsync(parse, data, config, async services =>
        {
            await new BackupRunner(services, Console.Out).RunAsync(BackupTarget.Parse(parse.GetValue(to)!), ct).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Verify()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.Config();
        var from = Target("--from", $"The backup target: a folder, or {BackupTarget.Scheme}CONTAINER.");
        var id = BackupId();
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("verify", "Check a backup without writing anything: every object present with its SHA-256, the database snapshot decrypts, and every file's data key unwraps with the configured KEK and decrypts the file to its recorded SHA-256. Exit 1 on any problem.")
        {
            from, id, format, data, config,
        };
        command.SetAction((parse, ct) => RunAsync(parse, data, config, async services =>
        {
            var report = await new BackupVerifier(services).RunAsync(BackupTarget.Parse(parse.GetValue(from)!), parse.GetValue(id), ct).ConfigureAwait(false);
            if (parse.GetValue(format) == "json")
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, RecoveryJsonContext.Default.VerifyReport)).ConfigureAwait(false);
            }
            else
            {
                foreach (var warning in report.Warnings) await Console.Out.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
                foreach (var problem in report.Problems) await Console.Out.WriteLineAsync("PROBLEM: " + problem).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"backup {report.BackupId} in {report.Target}: {report.ObjectsChecked} objects checked, {report.FilesDecrypted} files decrypted to their SHA-256, {report.Problems.Count} problems: {(report.Ok ? "OK" : "NOT RESTORABLE")}")).ConfigureAwait(false);
            }
            return report.Ok ? 0 : 1;
        }));
        return command;
    }

    private static Command Restore()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder to make: it must be empty or not exist.", Required = true };
        var config = CommonOptions.Config();
        var from = Target("--from", $"The backup target: a folder, or {BackupTarget.Scheme}CONTAINER.");
        var id = BackupId();
        var command = new Command("restore", "Restore a backup into an empty data folder: the database decrypted, the files' ciphertext copied back (checked against the manifest). The key-encryption keys must be configured as they were.")
        {
            from, id, data, config,
        };
        command.SetAction((parse, ct) => RunAsync(parse, data, config, async services =>
        {
            var result = await new BackupRestorer(services, Console.Out).RunAsync(BackupTarget.Parse(parse.GetValue(from)!), parse.GetValue(id), ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"restored backup {result.Manifest.Id} into {result.DataDirectory}: state as of {result.Manifest.SnapshotAt:O}; {result.Bytes / 1048576.0:0.0} MB in {result.Elapsed.TotalSeconds:0.000} s")).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command RedeployPlan()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.Config();
        var endpoint = new Option<string>("--target-endpoint") { Description = "The backend (or gateway) to recreate the models on, e.g. https://RESOURCE.openai.azure.com.", Required = true };
        var from = new Option<string?>("--from") { Description = "Read the registry from a backup (folder or azureblob://CONTAINER) instead of the data folder's database." };
        var id = BackupId();
        var format = new Option<string>("--format") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("redeploy-plan", "For each fine-tuned model in the registry: the files (ids, SHA-256), base model and settings it was made from, and the API calls that recreate it on --target-endpoint.")
        {
            endpoint, from, id, format, data, config,
        };
        command.SetAction((parse, ct) => RunAsync(parse, data, config, async services =>
        {
            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http"))
                throw new RecoveryException("--target-endpoint: give an absolute http(s) URL, e.g. https://RESOURCE.openai.azure.com.");
            RedeployPlan plan;
            if (parse.GetValue(from) is { } fromText)
            {
                var backup = BackupTarget.Parse(fromText);
                var set = new BackupSet(services.OpenTarget(backup), backup);
                var manifest = await set.ManifestAsync(parse.GetValue(id), ct).ConfigureAwait(false) ?? throw new RecoveryException($"{backup} holds no backup.");
                var work = Directory.CreateTempSubdirectory("tokengate-dr-");
                try
                {
                    var folder = Path.Combine(work.FullName, "snapshot");
                    Directory.CreateDirectory(folder);
                    await SnapshotDecryption.DecryptAsync(services, set, manifest, Path.Combine(work.FullName, "keys"), Path.Combine(folder, SqliteDatabase.FileName), ct).ConfigureAwait(false);
                    plan = await RedeployPlanner.PlanAsync(new SqliteDatabase(folder), $"backup {manifest.Id} in {backup}", target, ct).ConfigureAwait(false);
                }
                finally
                {
                    SqliteConnection.ClearAllPools();
                    work.Delete(recursive: true);
                }
            }
            else
            {
                plan = await RedeployPlanner.PlanAsync(services.OpenDatabase(), "the data folder's database", target, ct).ConfigureAwait(false);
            }
            await Console.Out.WriteAsync(parse.GetValue(format) == "json" ? JsonSerializer.Serialize(plan, RecoveryJsonContext.Default.RedeployPlan) + Environment.NewLine : Table(plan)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    internal static string Table(RedeployPlan plan)
    {
        string[] header = ["MODEL", "BASE", "TRAINING FILE", "SHA-256", "VALIDATION FILE", "SUFFIX", "SETTINGS"];
        var rows = plan.Models.Select(m => (string[])
        [
            m.FineTunedModel, m.BaseModel, m.TrainingFile.Id, m.TrainingFile.Sha256[..Math.Min(16, m.TrainingFile.Sha256.Length)],
            m.ValidationFile?.Id ?? "-", m.Suffix ?? "-", m.Settings.ToJsonString(),
        ]).ToList();
        var all = new[] { header }.Concat(rows).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var lines = all.Select(r => string.Join("  ", r.Select((v, i) => v.PadRight(widths[i]))).TrimEnd()).ToList();
        lines.Insert(0, $"{plan.Models.Count} fine-tuned models in {plan.Source}; calls against {plan.TargetEndpoint}:");
        foreach (var model in plan.Models)
        {
            lines.Add("");
            lines.Add($"{model.FineTunedModel}:");
            foreach (var step in model.Steps) lines.Add($"  {step.Name}: {step.Method} {step.Url} {step.Body.ToJsonString()}");
        }
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    /// <summary>Builds the configuration like <c>serve</c> (with <c>--data</c> as the data folder) and turns a <see cref="RecoveryException"/> into a message and exit code 1.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Option<DirectoryInfo> data, Option<FileInfo?> config, Func<RecoveryServices, Task<int>> action)
    {
        var file = parse.GetValue(config);
        if (file is { Exists: false })
        {
            await Console.Error.WriteLineAsync($"Configuration file not found: {file.FullName}").ConfigureAwait(false);
            return 2;
        }
        var builder = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory()).AddJsonFile("appsettings.json", optional: true);
        if (file is not null) builder.AddJsonFile(file.FullName, optional: false);
        builder.AddEnvironmentVariables();
        // --data wins when given on the command line; otherwise the configuration's data folder, then the default.
        var dataResult = parse.GetResult(data);
        if (dataResult is { Implicit: false } || builder.Build()[DataOptions.SectionName + ":Directory"] is null)
            builder.AddInMemoryCollection(new Dictionary<string, string?> { [DataOptions.SectionName + ":Directory"] = parse.GetValue(data)!.FullName });
        using var services = new RecoveryServices(builder.Build());
        try
        {
            return await action(services).ConfigureAwait(false);
        }
        catch (RecoveryException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
