using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;

namespace Tokengate.Commands;

/// <summary><c>tokengate serve</c>: the gateway alone, from configuration.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = CommonOptions.Urls("http://127.0.0.1:5080");
        var config = CommonOptions.Config();
        var command = new Command("serve", "Run the gateway from appsettings.json, a --config file and TOKENGATE_/Tokengate__ environment variables.") { urls, config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var file = parse.GetValue(config);
            if (file is { Exists: false })
            {
                await Console.Error.WriteLineAsync($"Configuration file not found: {file.FullName}").ConfigureAwait(false);
                return 2;
            }
            return await HostRunner.RunAsync(async () => await GatewayServer.StartAsync(parse.GetValue(urls)!, builder =>
            {
                if (file is not null) builder.Configuration.AddJsonFile(file.FullName, optional: false, reloadOnChange: true);
                builder.Configuration.AddEnvironmentVariables();
            }, cancellationToken: cancellationToken).ConfigureAwait(false), server => Console.Out.WriteLineAsync($"Tokengate listening on {server.Endpoint}{Environment.NewLine}{IoThreads.Describe()}"), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
