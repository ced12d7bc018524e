using System.Net;
using System.Text.Json;
using Tokengate.Identity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Simulator;

namespace Tokengate.IntegrationTests.Admin;

/// <summary>An operator switches a backend to its other key through the admin API; the switch is audited.</summary>
public sealed class BackendKeyAdminApiTests : IAsyncLifetime
{
    private readonly string _primaryVariable = "TOKENGATE_TEST_KEY1_" + Guid.NewGuid().ToString("N");
    private readonly string _secondaryVariable = "TOKENGATE_TEST_KEY2_" + Guid.NewGuid().ToString("N");
    private SimulatorServer _backend = null!;
    private TestGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_primaryVariable, "backend-key-one");
        Environment.SetEnvironmentVariable(_secondaryVariable, "backend-key-two");
        var options = new SimulatorOptions { ApiKeys = ["backend-key-one", "backend-key-two"] };
        options.Deployments["gpt-4o"] = new SimulatedDeploymentOptions();
        _backend = await SimulatorServer.StartAsync(options);
        var config = new Dictionary<string, string?>
        {
            ["Tokengate:Consumers:app:KeyHashes:0"] = KeyHash.Format("key-app"),
            ["Tokengate:Consumers:ops:KeyHashes:0"] = KeyHash.Format("key-ops"),
            ["Tokengate:Consumers:ops:Roles:0"] = "operator",
            ["Tokengate:Pools:chat:Backends:0:Name"] = "two-keys",
            ["Tokengate:Pools:chat:Backends:0:Endpoint"] = _backend.Endpoint.ToString(),
            ["Tokengate:Pools:chat:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:chat:Backends:0:ApiKey"] = "env:" + _primaryVariable,
            ["Tokengate:Pools:chat:Backends:0:SecondaryApiKey"] = "env:" + _secondaryVariable,
            ["Tokengate:Pools:solo:Backends:0:Name"] = "one-key",
            ["Tokengate:Pools:solo:Backends:0:Endpoint"] = _backend.Endpoint.ToString(),
            ["Tokengate:Pools:solo:Backends:0:Deployment"] = "gpt-4o",
            ["Tokengate:Pools:solo:Backends:0:ApiKey"] = "env:" + _primaryVariable,
        };
        _gateway = await TestGateway.StartAsync(config);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        Environment.SetEnvironmentVariable(_primaryVariable, null);
        Environment.SetEnvironmentVariable(_secondaryVariable, null);
    }

    [Fact]
    public async Task RotateKey_ByOperator_SwitchesToTheOtherKeyAndIsAudited()
    {
        using var first = await PostAsync("admin/backends/two-keys/rotate-key", "key-ops");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync()))
            Assert.Equal("Secondary", body.RootElement.GetProperty("active").GetString());

        // The backend now only accepts key 2: requests still succeed.
        _backend.Control.SetApiKeys(["backend-key-two"]);
        using (var chat = await _gateway.Client.SendAsync(GatewayRequests.Chat("chat", "key-app")))
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        using var second = await PostAsync("admin/backends/two-keys/rotate-key", "key-ops");
        using (var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync()))
            Assert.Equal("Primary", body.RootElement.GetProperty("active").GetString());

        var audit = new HttpRequestMessage(HttpMethod.Get, "admin/audit?action=backend.");
        audit.Headers.Add("api-key", "key-ops");
        using var records = JsonDocument.Parse(await (await _gateway.Client.SendAsync(audit)).Content.ReadAsStringAsync());
        var rotations = records.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, rotations.Count);
        Assert.All(rotations, r => Assert.Equal(("ops", "two-keys", "success"),
            (r.GetProperty("actor").GetString(), r.GetProperty("target").GetString(), r.GetProperty("outcome").GetString())));
    }

    [Theory]
    [InlineData("admin/backends/nope/rotate-key", "key-ops", HttpStatusCode.NotFound)]
    [InlineData("admin/backends/one-key/rotate-key", "key-ops", HttpStatusCode.Conflict)]
    [InlineData("admin/backends/two-keys/rotate-key", "key-app", HttpStatusCode.Forbidden)]
    [InlineData("admin/backends/two-keys/rotate-key", null, HttpStatusCode.Unauthorized)]
    public async Task RotateKey_BadRequest_AnswersWithTheRightStatus(string path, string? key, HttpStatusCode expected)
    {
        using var response = await PostAsync(path, key);
        await AzureErrorAssert.IsErrorAsync(response, expected, expected switch
        {
            HttpStatusCode.NotFound => "NotFound",
            HttpStatusCode.Conflict => "Conflict",
            HttpStatusCode.Forbidden => "PermissionDenied",
            _ => "401",
        });
    }

    private Task<HttpResponseMessage> PostAsync(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (key is not null) request.Headers.Add("api-key", key);
        return _gateway.Client.SendAsync(request);
    }
}
