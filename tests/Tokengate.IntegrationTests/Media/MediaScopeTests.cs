using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Media;

/// <summary>The <c>images</c> and <c>audio</c> scopes: each grants its own operations and nothing else.</summary>
public sealed class MediaScopeTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tokengate-media-scope-");
    private SimulatorServer _backend = null!;
    private GatewayServer _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions { ApiKeys = [TestBackends.BackendKey] };
        options.Deployments["gpt-image-1"] = new SimulatedDeploymentOptions { Model = "gpt-image-1" };
        options.Deployments["tts"] = new SimulatedDeploymentOptions { Model = "tts-1" };
        options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06" };
        _backend = await SimulatorServer.StartAsync(options);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Data:Directory"] = _data.FullName,
            ["Tokengate:Consumers:painter:KeyHashes:0"] = KeyHash.Format("key-painter"),
            ["Tokengate:Consumers:speaker:KeyHashes:0"] = KeyHash.Format("key-speaker"),
            ["Tokengate:Consumers:chatter:KeyHashes:0"] = KeyHash.Format("key-chatter"),
            ["Tokengate:Consumers:filer:KeyHashes:0"] = KeyHash.Format("key-filer"),
            ["Tokengate:Access:Consumers:filer:Deployments:0"] = "gpt-4o",
            ["Tokengate:Access:Consumers:filer:Operations:0"] = "files",
            ["Tokengate:Access:Consumers:painter:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:painter:Operations:0"] = "images",
            ["Tokengate:Access:Consumers:speaker:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:speaker:Operations:0"] = "audio",
            ["Tokengate:Access:Consumers:chatter:Deployments:0"] = "*",
            ["Tokengate:Access:Consumers:chatter:Operations:0"] = "chat",
        };
        foreach (var pool in new[] { "gpt-image-1", "tts", "gpt-4o" })
        {
            foreach (var (k, v) in TestBackends.Backend(pool, 0, "b-" + pool, _backend)) config[k] = v;
            config[$"Tokengate:Pools:{pool}:Backends:0:Deployment"] = pool;
        }
        _gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b => b.Configuration.AddInMemoryCollection(config));
        _client = new HttpClient { BaseAddress = _gateway.Endpoint };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
    }

    [Theory]
    [InlineData("key-painter", HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    [InlineData("key-speaker", HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData("key-chatter", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK)]
    public async Task EachScope_GrantsItsOwnOperationsOnly(string key, HttpStatusCode image, HttpStatusCode speech, HttpStatusCode chat)
    {
        using var imageResponse = await _client.SendAsync(GatewayRequests.Post("openai/v1/images/generations", key, """{"model":"gpt-image-1","prompt":"a cat","quality":"low"}"""));
        using var speechResponse = await _client.SendAsync(GatewayRequests.Post("openai/v1/audio/speech", key, """{"model":"tts","input":"hi","voice":"alloy"}"""));
        using var chatResponse = await _client.SendAsync(GatewayRequests.Chat("gpt-4o", key));

        Assert.Equal((image, speech, chat), (imageResponse.StatusCode, speechResponse.StatusCode, chatResponse.StatusCode));
    }

    [Theory]
    [InlineData("key-filer", HttpStatusCode.OK, HttpStatusCode.Forbidden)]
    [InlineData("key-chatter", HttpStatusCode.Forbidden, HttpStatusCode.Forbidden)]
    public async Task CallsWithoutADeployment_NeedTheirScopeOnSomeDeployment(string key, HttpStatusCode files, HttpStatusCode fineTuning)
    {
        HttpRequestMessage Get(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("api-key", key);
            return request;
        }
        using var filesResponse = await _client.SendAsync(Get("openai/v1/files"));
        using var jobsResponse = await _client.SendAsync(Get("openai/v1/fine_tuning/jobs"));
        Assert.Equal((files, fineTuning), (filesResponse.StatusCode, jobsResponse.StatusCode));
        if (jobsResponse.StatusCode == HttpStatusCode.Forbidden) await AzureErrorAssert.IsErrorAsync(jobsResponse, HttpStatusCode.Forbidden, "PermissionDenied");
    }
}
