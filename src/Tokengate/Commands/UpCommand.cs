using System.CommandLine;
using Tokengate.Up;

namespace Tokengate.Commands;

/// <summary><c>tokengate up</c>: everything on one machine, ready for an SDK client.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var urls = CommonOptions.Urls("http://127.0.0.1:5080");
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "Data folder (database, development key, local operator access). Default: ./tokengate-data.",
            DefaultValueFactory = _ => new DirectoryInfo("tokengate-data"),
        };
        var instant = new Option<bool>("--no-latency") { Description = "Simulated backends answer at once instead of at model speed." };
        var command = new Command("up", "Start the gateway with three simulated Azure OpenAI backends (one provisioned, two pay-as-you-go) and a development key.") { urls, data, instant };
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new UpSettings(parse.GetValue(urls)!, parse.GetValue(data)!.FullName) { RealisticLatency = !parse.GetValue(instant) };
            return HostRunner.RunAsync(
                () => UpEnvironment.StartAsync(settings, cancellationToken),
                environment => Console.Out.WriteAsync(UpBanner.Render(environment)),
                cancellationToken);
        });
        return command;
    }
}
