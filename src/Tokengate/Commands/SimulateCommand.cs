using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Tokengate.Simulator;

namespace Tokengate.Commands;

/// <summary><c>tokengate simulate</c>: the Azure OpenAI simulator on its own, for tests, demos and benchmarks.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var urls = CommonOptions.Urls("http://127.0.0.1:5090");
        var config = CommonOptions.Config();
        var command = new Command("simulate", "Run the Azure OpenAI simulator. Deployments, limits, latency and faults come from the 'Simulator' section of --config; without one it serves gpt-4o and text-embedding-3-small.") { urls, config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config);
            if (file is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"Configuration file not found: {file.FullName}").ConfigureAwait(false);
                return 2;
            }

            var options = new SimulatorOptions();
            if (file is not null)
            {
                new ConfigurationBuilder().AddJsonFile(file.FullName).Build().GetSection("Simulator").Bind(options);
            }
            if (options.Deployments.Count == 0)
            {
                options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06" };
                options.Deployments["text-embedding-3-small"] = new SimulatedDeploymentOptions { Model = "text-embedding-3-small" };
            }

            return await HostRunner.RunAsync(
                () => SimulatorServer.StartAsync(options, parse.GetValue(urls)!, cancellationToken: cancellationToken),
                server => Console.Out.WriteLineAsync($"Simulator listening on {server.Endpoint} serving {string.Join(", ", options.Deployments.Keys)}"),
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
