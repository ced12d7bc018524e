using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Hosting;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Secrets;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Secrets;

/// <summary>
/// Distinctive secrets from the environment and the secret file, requests that succeed and fail in every way this
/// slice knows, a reload with a bad reference; then every log line, response body and header and /readyz is searched.
/// </summary>
public sealed class NoSecretLeakTests : IAsyncLifetime
{
    private const string ConsumerKey = "tg_leak-test-consumer-key";
    private const string OperatorKey = "tg_leak-test-operator-key";
    private readonly string _envVariable = "TOKENGATE_TEST_LEAK_" + Guid.NewGuid().ToString("N");
    private readonly string _envSecret = "ENV-SECRET-" + Guid.NewGuid().ToString("N");
    private readonly string _fileSecret = "FILE-SECRET-" + Guid.NewGuid().ToString("N");
    private readonly string _wrongSecret = "WRONG-SECRET-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tokengate-leak-");
    private readonly CapturingLoggerProvider _logs = new();
    private readonly StringBuilder _seen = new();
    private SimulatorServer _simulator = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_envVariable, _envSecret);
        var options = new SimulatorOptions { ApiKeys = [_envSecret, _fileSecret] };
        options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions { Model = "gpt-4o-2024-08-06" };
        _simulator = await SimulatorServer.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _simulator.DisposeAsync();
        Environment.SetEnvironmentVariable(_envVariable, null);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Gateway_SuccessFailureAndBadReload_NoSecretInLogsResponsesOrReadiness()
    {
        var secrets = new SecretsOptions { FilePath = Path.Combine(_folder.FullName, "s.enc"), KeyPath = Path.Combine(_folder.FullName, "s.key") };
        SecretFile.Write(secrets.FilePath, SecretFileKey.Create(secrets.KeyPath), new Dictionary<string, string> { ["good"] = _fileSecret, ["wrong"] = _wrongSecret });
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Secrets:FilePath"] = secrets.FilePath,
            ["Tokengate:Secrets:KeyPath"] = secrets.KeyPath,
            ["Tokengate:Data:Directory"] = Path.Combine(_folder.FullName, "data"),
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format(ConsumerKey),
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format(OperatorKey),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Pools:env:Backends:0:Name"] = "env-backend",
            ["Tokengate:Pools:env:Backends:0:Endpoint"] = _simulator.Endpoint.ToString(),
            ["Tokengate:Pools:env:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:env:Backends:0:ApiKey"] = "env:" + _envVariable,
            ["Tokengate:Pools:file:Backends:0:Name"] = "file-backend",
            ["Tokengate:Pools:file:Backends:0:Endpoint"] = _simulator.Endpoint.ToString(),
            ["Tokengate:Pools:file:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:file:Backends:0:ApiKey"] = "file:good",
            // A backend whose key the resource does not accept: 401 from the backend.
            ["Tokengate:Pools:wrong:Backends:0:Name"] = "wrong-backend",
            ["Tokengate:Pools:wrong:Backends:0:Endpoint"] = _simulator.Endpoint.ToString(),
            ["Tokengate:Pools:wrong:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:wrong:Backends:0:ApiKey"] = "file:wrong",
        };
        await using var gateway = await GatewayServer.StartAsync("http://127.0.0.1:0", b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(_logs);
        });
        using var client = new HttpClient { BaseAddress = gateway.Endpoint };

        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, GatewayRequests.Chat("env", ConsumerKey)));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, GatewayRequests.Chat("file", ConsumerKey, stream: true)));
        Assert.NotEqual(HttpStatusCode.OK, await SendAsync(client, GatewayRequests.Chat("wrong", ConsumerKey)));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(client, GatewayRequests.Chat("env", ConsumerKey, body: "{not json")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(client, GatewayRequests.Chat("env", _envSecret)));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(client, GatewayRequests.Chat("nope", ConsumerKey)));

        // A reload naming a secret that does not exist, and one whose value is pasted in plain: both refused.
        var configuration = (IConfigurationRoot)gateway.App.Configuration;
        configuration["Tokengate:Pools:env:Backends:0:ApiKey"] = "file:missing";
        configuration.Reload();
        configuration["Tokengate:Pools:env:Backends:0:ApiKey"] = _envSecret;
        configuration.Reload();
        Assert.Contains(_logs.Lines, l => l.Contains("Configuration change rejected", StringComparison.Ordinal) && l.Contains("the secret 'missing' is not in the secret file", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, GatewayRequests.Chat("env", ConsumerKey)));

        using (var ready = await client.GetAsync("readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Record(ready, await ready.Content.ReadAsStringAsync());
        }

        // The configuration dump an operator can read.
        var dump = new HttpRequestMessage(HttpMethod.Get, "admin/config");
        dump.Headers.Add("api-key", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, dump));

        // The metrics scrape.
        var metrics = new HttpRequestMessage(HttpMethod.Get, "metrics");
        metrics.Headers.Add("api-key", OperatorKey);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(client, metrics));

        var everything = _seen + "\n" + _logs.All;
        Assert.Contains("wrong-backend", everything, StringComparison.Ordinal); // the capture did capture
        Assert.Contains("file:good", everything, StringComparison.Ordinal); // the dump shows references ...
        Assert.Contains("tokengate_", everything, StringComparison.Ordinal); // the scrape was captured
        Assert.DoesNotContain(KeyHash.Format(ConsumerKey), everything, StringComparison.Ordinal); // ... but not key hashes
        foreach (var secret in new[] { _envSecret, _fileSecret, _wrongSecret })
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            Record(response, await response.Content.ReadAsStringAsync());
            return response.StatusCode;
        }
    }

    private void Record(HttpResponseMessage response, string body)
    {
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers)) _seen.Append(name).Append(": ").AppendJoin(",", values).Append('\n');
        _seen.Append(body).Append('\n');
    }
}
