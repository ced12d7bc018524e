using System.CommandLine;
using Tokengate.Up;

namespace Tokengate.Commands;

/// <summary><c>tokengate up</c>: everything on one machine, ready for an SDK client.</summary>
internal static class UpCommand
{
    private const string DefaultTlsUrls = "https://127.0.0.1:5443";

    public static Command Create()
    {
        var urls = CommonOptions.Urls("http://127.0.0.1:5080");
        var data = new Option<DirectoryInfo>("--data")
        {
            Description = "Data folder (database, development key, local operator access). Default: ./tokengate-data.",
            DefaultValueFactory = _ => new DirectoryInfo("tokengate-data"),
        };
        var instant = new Option<bool>("--no-latency") { Description = "Simulated backends answer at once instead of at model speed." };
        var tlsUrls = new Option<string?>("--tls-urls")
        {
            Description = "Addresses to serve TLS on as well, with a self-signed development certificate kept in the data folder (for clients that need wss:, such as the openai npm realtime client). "
                + $"Default: {DefaultTlsUrls} with the default --urls, none when --urls is given; '' for none.",
        };
        var command = new Command("up", "Start the gateway with three simulated Azure OpenAI backends (one provisioned, two pay-as-you-go) and a development key.") { urls, data, instant, tlsUrls };
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = new UpSettings(parse.GetValue(urls)!, parse.GetValue(data)!.FullName)
            {
                RealisticLatency = !parse.GetValue(instant),
                TlsUrls = parse.GetValue(tlsUrls) ?? (parse.GetResult(urls) is { Implicit: false } ? "" : DefaultTlsUrls),
            };
            return HostRunner.RunAsync(
                () => UpEnvironment.StartAsync(settings, cancellationToken),
                environment => Console.Out.WriteAsync(UpBanner.Render(environment)),
                cancellationToken);
        });
        return command;
    }
}
