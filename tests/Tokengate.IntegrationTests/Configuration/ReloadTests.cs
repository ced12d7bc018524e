using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Configuration;

/// <summary>Pools and consumers change without a restart; a bad change is refused and the last good one stays.</summary>
public sealed class ReloadTests : IAsyncLifetime
{
    private const string Key = "tg_reload-test-key";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-reload-data-");
    private SimulatorServer _backend = null!;

    public async Task InitializeAsync()
    {
        _ = TestBackends.BackendKey;
        _backend = await TestBackends.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task Reload_NewPoolInMemory_IsServedAndInvalidChangeIsRefused()
    {
        var initial = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(Key),
            ["Tokengate:Data:Directory"] = _data.FullName,
        };
        foreach (var (k, v) in TestBackends.Backend("first", 0, "b-first", _backend)) initial[k] = v;
        await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(initial));
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };
        var configuration = (IConfigurationRoot)gateway.App.Configuration;

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(GatewayRequests.Chat("second", Key))).StatusCode);

        // An invalid change (weight 0) is refused: the first pool keeps working as before.
        configuration["Tokengate:Pools:first:Backends:0:Weight"] = "0";
        configuration.Reload();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("first", Key))).StatusCode);

        configuration["Tokengate:Pools:first:Backends:0:Weight"] = "1";
        foreach (var (k, v) in TestBackends.Backend("second", 0, "b-second", _backend)) configuration[k] = v;
        configuration.Reload();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("second", Key))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("first", Key))).StatusCode);
    }

    [Fact]
    public async Task Reload_ConfigFileEdited_NewPoolServedWithoutRestart()
    {
        var folder = Directory.CreateTempSubdirectory("tokengate-reload-");
        try
        {
            var file = Path.Combine(folder.FullName, "tokengate.json");
            await File.WriteAllTextAsync(file, ConfigJson("alpha"));
            await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true));
            using var client = new HttpClient { BaseAddress = gateway.Endpoint };
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(GatewayRequests.Chat("alpha", Key))).StatusCode);

            await File.WriteAllTextAsync(file, ConfigJson("beta"));
            var deadline = DateTime.UtcNow.AddSeconds(20);
            HttpStatusCode status;
            do
            {
                status = (await client.SendAsync(GatewayRequests.Chat("beta", Key))).StatusCode;
                if (status == HttpStatusCode.OK) break;
                await Task.Delay(100);
            }
            while (DateTime.UtcNow < deadline);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(GatewayRequests.Chat("alpha", Key))).StatusCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_InvalidConfiguration_ThrowsWithEveryBadFieldNamed()
    {
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Pools:chat:Backends:0:Name"] = "x",
            ["Tokengate:Pools:chat:Backends:0:Endpoint"] = "ftp://nope",
            ["Tokengate:Pools:chat:Backends:0:ApiKey"] = "env:TOKENGATE_TEST_VARIABLE_THAT_IS_NOT_SET",
            ["Tokengate:Forwarding:MaxAttempts"] = "0",
            ["Tokengate:Data:Directory"] = _data.FullName,
        };
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config)));
        Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Pools:chat:Backends:0:Endpoint:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Pools:chat:Backends:0:ApiKey:", StringComparison.Ordinal) && f.Contains("TOKENGATE_TEST_VARIABLE_THAT_IS_NOT_SET", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Tokengate:Forwarding:MaxAttempts:", StringComparison.Ordinal));
    }

    private string ConfigJson(string pool) => $$"""
        {
          "Tokengate": {
            "Data": { "Directory": {{System.Text.Json.JsonSerializer.Serialize(_data.FullName)}} },
            "Consumers": { "app": { "KeyHashes": [ "{{KeyHash.Format(Key)}}" ] } },
            "Pools": {
              "{{pool}}": {
                "Backends": [ { "Name": "b-{{pool}}", "Endpoint": "{{_backend.Endpoint}}", "Deployment": "gpt-4o", "ApiKey": "env:{{TestBackends.KeyVariable}}" } ]
              }
            }
          }
        }
        """;
}
