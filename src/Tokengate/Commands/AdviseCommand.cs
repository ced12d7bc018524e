using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Advice;
using Tokengate.Configuration;
using Tokengate.Storage;

namespace Tokengate.Commands;

/// <summary><c>tokengate advise</c>: PAYG versus PTU and PTU under-use, from the ledger in a data folder.</summary>
internal static class AdviseCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.Config();
        config.Description = "A JSON configuration file (read after appsettings.json, before environment variables): its backends say which are provisioned, Tokengate:Advice holds PTU throughput and prices.";
        var since = new Option<DateTimeOffset?>("--since") { Description = "Start of the period (e.g. 2026-11-01). Default: 30 days before --until." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "End of the period, exclusive. Default: now." };
        var format = new Option<string>("--format") { Description = "table, json or markdown.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "markdown");

        var command = new Command("advise", "Advise on PAYG versus provisioned throughput (PTU) and on idle PTU capacity, from the usage ledger. Quality is not measured.")
        {
            data, config, since, until, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var folder = parse.GetValue(data)!;
            if (!File.Exists(Path.Combine(folder.FullName, SqliteDatabase.FileName)))
            {
                await Console.Error.WriteLineAsync($"No Tokengate database in {folder.FullName}.").ConfigureAwait(false);
                return 2;
            }
            var file = parse.GetValue(config);
            if (file is not null && !file.Exists)
            {
                await Console.Error.WriteLineAsync($"No configuration file {file.FullName}.").ConfigureAwait(false);
                return 2;
            }
            var builder = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory()).AddJsonFile("appsettings.json", optional: true);
            if (file is not null) builder.AddJsonFile(file.FullName, optional: false);
            var configuration = builder.AddEnvironmentVariables().Build();
            var options = AdviceConfiguration.Read(configuration, out var errors);
            if (errors is not null)
            {
                foreach (var error in errors) await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 2;
            }
            var gateway = new GatewayOptions();
            configuration.GetSection(GatewayOptions.SectionName).Bind(gateway);

            var end = parse.GetValue(until) ?? TimeProvider.System.GetUtcNow();
            var start = parse.GetValue(since) ?? end - AdviceEndpoints.DefaultPeriod;
            if (start >= end)
            {
                await Console.Error.WriteLineAsync("--since must be before --until.").ConfigureAwait(false);
                return 2;
            }
            IReadOnlyList<LedgerMinute> rows;
            IReadOnlyList<UsageShape> shapes;
            try
            {
                var database = new SqliteDatabase(folder.FullName);
                rows = await AdviceQuery.LoadAsync(database, start, end, cancellationToken).ConfigureAwait(false);
                shapes = await AdviceQuery.LoadShapesAsync(database, start, end, cancellationToken).ConfigureAwait(false);
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
            await Console.Out.WriteAsync(AdviceRenderer.Render(Advisor.Build(rows, start, end, options, gateway, shapes), parse.GetValue(format)!)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
