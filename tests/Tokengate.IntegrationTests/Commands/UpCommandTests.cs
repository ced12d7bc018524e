using System.Net;
using System.Text.RegularExpressions;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Commands;

/// <summary><c>tokengate up</c> as a user runs it: it prints an endpoint and a key that work.</summary>
public sealed partial class UpCommandTests : IDisposable
{
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("tokengate-up-").FullName;

    public void Dispose() => Directory.Delete(_workingDirectory, recursive: true);

    [Fact]
    public async Task Up_PrintsEndpointAndKey_ThatServeAChatRequest()
    {
        await using var up = TokengateProcess.Start(_workingDirectory, "up", "--urls", "http://127.0.0.1:0", "--no-latency");
        await up.WaitForOutputAsync("Press Ctrl+C to stop.", TimeSpan.FromSeconds(60));

        var endpoint = EndpointLine().Match(up.StandardOutput).Groups[1].Value;
        var key = KeyLine().Match(up.StandardOutput).Groups[1].Value;
        Assert.StartsWith("http://127.0.0.1:", endpoint, StringComparison.Ordinal);
        Assert.StartsWith("tg_dev_", key, StringComparison.Ordinal);
        Assert.Contains("curl", up.StandardOutput, StringComparison.Ordinal);

        // The data folder is in the current directory and holds the development key.
        Assert.Equal(key, (await File.ReadAllTextAsync(Path.Combine(_workingDirectory, "tokengate-data", "dev-consumer.key"))).Trim());

        using var client = new HttpClient { BaseAddress = new Uri(endpoint + "/") };
        using var response = await client.SendAsync(GatewayRequests.Chat("gpt-4o", key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Serve_InvalidConfiguration_ExitsWithTheBadFieldNamed()
    {
        var config = Path.Combine(_workingDirectory, "bad.json");
        await File.WriteAllTextAsync(config, """
            {"Tokengate":{"Pools":{"chat":{"Backends":[{"Name":"b1","Endpoint":"not a url","Auth":"None","Weight":0}]}}}}
            """);
        await using var serve = TokengateProcess.Start(_workingDirectory, "serve", "--urls", "http://127.0.0.1:0", "--config", config);
        var exitCode = await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(3, exitCode);
        Assert.Contains("Tokengate:Pools:chat:Backends:0:Endpoint", serve.StandardError, StringComparison.Ordinal);
        Assert.Contains("Tokengate:Pools:chat:Backends:0:Weight", serve.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PlainBackendKeyInConfiguration_IsRefused()
    {
        var config = Path.Combine(_workingDirectory, "plain-key.json");
        await File.WriteAllTextAsync(config, """
            {"Tokengate":{"Pools":{"chat":{"Backends":[{"Name":"b1","Endpoint":"https://example.openai.azure.com/","ApiKey":"0123456789abcdef0123456789abcdef"}]}}}}
            """);
        await using var serve = TokengateProcess.Start(_workingDirectory, "serve", "--urls", "http://127.0.0.1:0", "--config", config);
        Assert.Equal(3, await serve.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Tokengate:Pools:chat:Backends:0:ApiKey", serve.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef0123456789abcdef", serve.StandardError + serve.StandardOutput, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Endpoint\s+(http://\S+)")]
    private static partial Regex EndpointLine();

    [GeneratedRegex(@"API key\s+(tg_dev_\S+)")]
    private static partial Regex KeyLine();
}
