using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tokengate.Assessment;
using Tokengate.Configuration;
using Tokengate.Up;

namespace Tokengate.Commands;

/// <summary>
/// <c>tokengate assess</c>: the configuration scored against every checklist item and recommendation of the Azure
/// Well-Architected guidance for Azure OpenAI. Exit codes: 0 no fail, 1 at least one fail, 2 a configuration that
/// cannot be read or does not validate.
/// </summary>
internal static class AssessCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var up = new Option<bool>("--up") { Description = "Assess the configuration 'tokengate up' runs with (its simulated backends, defaults everywhere else) instead of appsettings.json and --config." };
        var format = new Option<string>("--format") { Description = "table, json or markdown.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "markdown");
        var backupTarget = new Option<DirectoryInfo?>("--backup-target")
        {
            Description = "A folder 'tokengate dr backup' writes to: the age of its latest backup is checked (fails past 24 hours). Without it, the backup item warns that it is unknown.",
        };
        var command = new Command("assess",
            "Score the configuration (appsettings.json, a --config file and environment variables, as 'serve' reads them) against the Azure Well-Architected guidance for Azure OpenAI, pillar by pillar. "
            + "Exit code 1 when any item fails, 2 when the configuration is invalid; 0 otherwise.") { config, up, format, backupTarget };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config);
            if (file is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"Configuration file not found: {file.FullName}").ConfigureAwait(false);
                return 2;
            }
            var useUp = parse.GetValue(up);
            if (useUp && file is not null)
            {
                await Console.Error.WriteLineAsync("Give either --up or --config, not both.").ConfigureAwait(false);
                return 2;
            }

            // The same sources, in the same order, as 'serve' (appsettings.json next to the binary, the file, the
            // environment) and 'up' (its own settings last).
            var builder = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
            AssessmentInput input;
            string source;
            try
            {
                if (file is not null) builder.AddJsonFile(file.FullName, optional: false);
                builder.AddEnvironmentVariables();
                if (useUp) builder.AddInMemoryCollection(UpEnvironment.DescribeConfiguration(Path.GetFullPath("tokengate-data")));
                var configuration = builder.Build();
                var now = TimeProvider.System.GetUtcNow();
                var backup = parse.GetValue(backupTarget) is { } target ? BackupFacts.FromFolder(target.FullName, now) : BackupFacts.Unknown(now);
                input = AssessmentInput.From(configuration, backup);
                source = useUp ? "the 'tokengate up' configuration" : file?.FullName ?? "appsettings.json and the environment";
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException or IOException)
            {
                await Console.Error.WriteLineAsync($"The configuration cannot be read: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            var validation = new GatewayOptionsValidator(new ShapeOnlySecretResolver(), Options.Create(input.Gateway.Identity.Oidc)).Validate(Options.DefaultName, input.Gateway);
            if (validation.Failed)
            {
                await Console.Error.WriteLineAsync("The configuration has errors; 'serve' would not start:").ConfigureAwait(false);
                foreach (var failure in validation.Failures ?? []) await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
                return 2;
            }

            var report = Assessor.Run(input, source);
            await Console.Out.WriteAsync(AssessmentReportWriter.Write(report, parse.GetValue(format)!)).ConfigureAwait(false);
            return report.HasFailures ? 1 : 0;
        });
        return command;
    }
}
