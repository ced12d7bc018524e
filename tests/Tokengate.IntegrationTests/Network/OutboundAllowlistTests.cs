using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Secrets;
using Tokengate.Network;
using Tokengate.Proxy;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Network;

/// <summary>The outbound host allowlist: refused at start, enforced on every call, following reloads.</summary>
public sealed class OutboundAllowlistTests : IAsyncLifetime, IDisposable
{
    private const string Key = "tg_outbound-test-key";
    private readonly string _folder = Directory.CreateTempSubdirectory("tokengate-outbound-").FullName;
    private SimulatorServer _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackends.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Dictionary<string, string?> Config(string pool = "gpt-4o", string host = "127.0.0.1")
    {
        var config = new Dictionary<string, string?> { ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key) };
        foreach (var (k, v) in TestBackends.Backend(pool, 0, "b-" + pool, _backend)) config[k] = v;
        config[$"Tokengate:Pools:{pool}:Backends:0:Endpoint"] = $"http://{host}:{_backend.Endpoint.Port}/";
        return config;
    }

    [Fact]
    public async Task StartAsync_BackendHostOutsideAllowedHosts_RefusesToStart()
    {
        var config = Config();
        config["Tokengate:Pools:gpt-4o:Backends:0:Endpoint"] = "https://evil.example.com/";
        config["Tokengate:Outbound:AllowedHosts:0"] = "*.openai.azure.com";

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config)));

        Assert.Contains("Tokengate:Pools:gpt-4o:Backends:0:Endpoint: host 'evil.example.com' is not in Tokengate:Outbound:AllowedHosts.", ex.Failures);
    }

    [Fact]
    public async Task Serve_BackendHostOutsideAllowedHosts_ExitsNamingTheField()
    {
        var file = Path.Combine(_folder, "bad.json");
        await File.WriteAllTextAsync(file, """
            {"Tokengate":{"Outbound":{"AllowedHosts":["*.openai.azure.com"]},
             "Pools":{"x":{"Backends":[{"Name":"b0","Endpoint":"https://evil.example.com/","Auth":"None"}]}}}}
            """);

        await using var serve = TokengateProcess.Start(_folder, "serve", "--urls", "http://127.0.0.1:0", "--config", file);

        Assert.Equal(3, await serve.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Tokengate:Pools:x:Backends:0:Endpoint: host 'evil.example.com' is not in Tokengate:Outbound:AllowedHosts", serve.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_HostNotOnTheList_RefusedBeforeConnectingAndLoggedWithoutTheUrl()
    {
        var logs = new CapturingLoggerProvider();
        await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(Config());
            b.Logging.AddProvider(logs);
        });
        var outbound = gateway.App.Services.GetRequiredService<OutboundHttpClient>();

        // 'localhost' is the same simulator, but only '127.0.0.1' is a configured host.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://localhost:{_backend.Endpoint.Port}/openai/models?sig=query-secret");
        var ex = await Assert.ThrowsAsync<OutboundHostNotAllowedException>(() => outbound.SendAsync(request, default));

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Equal("localhost", ex.Host);
        Assert.Contains(logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Outbound call to localhost refused", StringComparison.Ordinal));
        Assert.DoesNotContain("query-secret", logs.All, StringComparison.Ordinal);
        Assert.Equal(0, _backend.Control.GetStats("gpt-4o").RequestsReceived);

        using var allowed = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_backend.Endpoint.Port}/healthz");
        using var response = await outbound.SendAsync(allowed, default);
        Assert.NotNull(response);
    }

    [Fact]
    public async Task Reload_HostRemovedFromConfiguration_RefusedFromThenOn()
    {
        var config = Config();
        foreach (var (k, v) in Config("second", "localhost")) config[k] = v;
        await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        var outbound = gateway.App.Services.GetRequiredService<OutboundHttpClient>();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("second", Key))).StatusCode);
        Assert.True(outbound.Allowlist.Allows("localhost"));

        // The backend moves off 'localhost': the connection pooled for it must not be usable any more.
        var configuration = (IConfigurationRoot)gateway.App.Configuration;
        configuration["Tokengate:Pools:second:Backends:0:Endpoint"] = _backend.Endpoint.ToString();
        configuration.Reload();
        Assert.False(outbound.Allowlist.Allows("localhost"));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://localhost:{_backend.Endpoint.Port}/healthz");
        await Assert.ThrowsAsync<OutboundHostNotAllowedException>(() => outbound.SendAsync(request, default));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("second", Key))).StatusCode);
    }
}
