using System.Net;
using System.Text.Json;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Limits;

namespace Tokengate.IntegrationTests.Advice;

/// <summary><c>GET /admin/advice</c> on a gateway whose ledger holds <see cref="AdviceLedger"/>'s three months.</summary>
public sealed class AdviceEndpointTests : IAsyncLifetime
{
    private LimitsHarness _h = null!;

    public async Task InitializeAsync()
    {
        // A provisioned backend in a pool of its own; nothing is sent to it, the ledger rows name it.
        const string Pool = "Tokengate:Pools:ptu:Backends:0";
        _ = TestBackends.BackendKey;   // sets the key variable its ApiKey names
        _h = await LimitsHarness.StartAsync(new()
        {
            [$"Tokengate:Advice:ProvisionedUnits:{AdviceLedger.ProvisionedBackend}"] = "20",
            [$"{Pool}:Name"] = AdviceLedger.ProvisionedBackend,
            [$"{Pool}:Endpoint"] = "https://contoso.openai.azure.com/",
            [$"{Pool}:Type"] = "Provisioned",
            [$"{Pool}:Model"] = "gpt-4o",
            [$"{Pool}:ApiKey"] = $"env:{TestBackends.KeyVariable}",
        });
        await AdviceLedger.WriteAsync(Path.Combine(_h.Data.FullName, "tokengate.db"));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(string key, string query = $"?since={AdviceLedger.Since}&until={AdviceLedger.Until}")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/advice" + query);
        request.Headers.Add("api-key", key);
        return await _h.Client.SendAsync(request);
    }

    [Fact]
    public async Task Get_Reader_ThreeSyntheticMonths_HandComputedFigures()
    {
        using var response = await GetAsync(LimitsHarness.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        AdviceAssert.ThreeMonths(doc.RootElement);
    }

    [Fact]
    public async Task Get_ConsumerWithoutAReaderRole_Refused()
    {
        using var response = await GetAsync(LimitsHarness.AppKey);

        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized, response.StatusCode.ToString());
    }

    [Fact]
    public async Task Get_SinceAfterUntil_400()
    {
        using var response = await GetAsync(LimitsHarness.ReaderKey, $"?since={AdviceLedger.Until}&until={AdviceLedger.Since}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
