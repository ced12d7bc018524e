using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Screening;
using Tokengate.Configuration;

namespace Tokengate.Commands;

/// <summary><c>tokengate screen</c>: prompt-screening tools; <c>screen eval</c> measures the detectors on labelled data.</summary>
internal static class ScreenCommand
{
    public static Command Create() => new("screen", "Prompt screening: measure the jailbreak and indirect-attack detectors.") { CreateEval() };

    private static Command CreateEval()
    {
        var file = new Argument<FileInfo>("FILE")
        {
            Description = "A JSONL file, one sample a line: {\"text\": ..., \"label\": \"attack\"|\"benign\", \"kind\": \"direct\"|\"indirect\", \"hard\": true (optional, a benign text that looks alarming)}.",
        };
        var detectors = new Option<string[]>("--detector", "-d")
        {
            Description = "A detector to run (builtin, onnx, promptshields, ...); repeat for several. Default: every detector the configuration enables.",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table." };
        var config = CommonOptions.Config();
        var command = new Command("eval", "Run detectors over a labelled JSONL file and print precision, recall, F1, false-positive rates and latency per detector. "
            + "A 'direct' line is screened as the user's prompt, an 'indirect' one as a document.")
        {
            file, detectors, json, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = parse.GetValue(file)!;
            var configFile = parse.GetValue(config);
            if (!input.Exists)
            {
                await Console.Error.WriteLineAsync($"File not found: {input.FullName}").ConfigureAwait(false);
                return 2;
            }
            if (configFile is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"Configuration file not found: {configFile.FullName}").ConfigureAwait(false);
                return 2;
            }

            IReadOnlyList<ScreenEvaluation.Sample> samples;
            try
            {
                using var reader = input.OpenText();
                samples = ScreenEvaluation.Read(reader);
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync($"{input.Name}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            await using var services = BuildServices(configFile);
            IPromptDetector[] available;
            try
            {
                available = [.. services.GetServices<IPromptDetector>()];
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync("The screening configuration has errors:").ConfigureAwait(false);
                foreach (var failure in ex.Failures) await Console.Error.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
                return 3;
            }
            var wanted = parse.GetValue(detectors) ?? [];
            var chosen = new List<IPromptDetector>();
            foreach (var name in wanted)
            {
                var found = available.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
                if (found is null)
                {
                    await Console.Error.WriteLineAsync($"No detector named '{name}' is configured. Available: {string.Join(", ", available.Select(d => d.Name))}.").ConfigureAwait(false);
                    return 2;
                }
                chosen.Add(found);
            }
            if (chosen.Count == 0) chosen.AddRange(available);

            var results = new List<ScreenEvaluation.Result>();
            foreach (var detector in chosen) results.AddRange(await ScreenEvaluation.RunAsync(detector, samples, cancellationToken).ConfigureAwait(false));
            await Console.Out.WriteAsync(parse.GetValue(json) ? ScreenEvaluation.RenderJson(results) : ScreenEvaluation.RenderTable(results)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>The detectors as the gateway configures them: appsettings.json, the --config file, environment variables.</summary>
    private static ServiceProvider BuildServices(FileInfo? configFile)
    {
        var builder = new ConfigurationBuilder().SetBasePath(Directory.GetCurrentDirectory()).AddJsonFile("appsettings.json", optional: true);
        if (configFile is not null) builder.AddJsonFile(configFile.FullName, optional: false);
        var configuration = builder.AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        // The detectors that run in the process (Prompt Shields, a remote service, is not evaluated here).
        services.AddOptions<GatewayOptions>().Configure(o => configuration.GetSection(GatewayOptions.SectionName).Bind(o));
        services.AddLocalScreeningDetectors(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
