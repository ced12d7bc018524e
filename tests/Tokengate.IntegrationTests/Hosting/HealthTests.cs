using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Up;

namespace Tokengate.IntegrationTests.Hosting;

public sealed class HealthTests : IAsyncLifetime
{
    private TestUp _up = null!;

    public async Task InitializeAsync() => _up = await TestUp.StartAsync();

    public async Task DisposeAsync() => await _up.DisposeAsync();

    [Fact]
    public async Task Healthz_WithoutKey_Returns200()
    {
        using var response = await _up.Client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_ReportsEveryPoolAndItsAvailableBackends()
    {
        using var response = await _up.Client.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        var pool = body.RootElement.GetProperty("pools").GetProperty(UpEnvironment.ChatDeployment);
        Assert.Equal(3, pool.GetProperty("backends").GetInt32());
        Assert.Equal(3, pool.GetProperty("available").GetInt32());
        Assert.Equal(1, pool.GetProperty("batchBackends").GetInt32());
    }

    [Fact]
    public async Task Models_ListsLogicalDeploymentsForAKeyHolder()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "openai/v1/models");
        request.Headers.Authorization = new("Bearer", _up.Key);
        using var response = await _up.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains(UpEnvironment.ChatDeployment, ids);
        Assert.Contains(UpEnvironment.EmbeddingsAlias, ids);

        using var anonymous = await _up.Client.GetAsync("openai/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
