using System.Net;
using Tokengate.IntegrationTests.Infrastructure;

namespace Tokengate.IntegrationTests.Responses;

/// <summary>The consumer's MCP server policy: a tool that would make the service call an unlisted host is refused before any backend.</summary>
public sealed class McpPolicyTests : IAsyncLifetime
{
    private ResponsesHarness _h = null!;

    public async Task InitializeAsync() => _h = await ResponsesHarness.StartAsync(new Dictionary<string, string?>
    {
        ["Tokengate:Access:Consumers:alice:Deployments:0"] = "*",
        ["Tokengate:Access:Consumers:alice:Operations:0"] = "*",
        ["Tokengate:Access:Consumers:alice:McpServerHosts:0"] = "mcp.contoso.com",
        ["Tokengate:Access:Default:Deployments:0"] = "*",
        ["Tokengate:Access:Default:Operations:0"] = "*",
    });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task McpToolOnAnUnlistedHost_403NamingIt_NoBackendCalled()
    {
        using var response = await _h.CreateAsync(ResponsesHarness.AliceKey,
            """{"model":"chat","input":"hi","tools":[{"type":"mcp","server_label":"x","server_url":"https://evil.example/sse","headers":{"Authorization":"Bearer s"}}]}""");

        var error = await AzureErrorAssert.IsErrorAsync(response, HttpStatusCode.Forbidden, "PermissionDenied");
        Assert.Contains("https://evil.example/sse", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _h.Received().Sum());
    }

    [Fact]
    public async Task McpToolOnAListedHost_Served_AndAConsumerWithoutAPolicyIsNotRestricted()
    {
        using var allowed = await _h.CreateAsync(ResponsesHarness.AliceKey,
            """{"model":"chat","input":"hi","tools":[{"type":"mcp","server_label":"x","server_url":"https://mcp.contoso.com/sse"}]}""");
        using var unrestricted = await _h.CreateAsync(ResponsesHarness.BobKey,
            """{"model":"chat","input":"hi","tools":[{"type":"mcp","server_label":"x","server_url":"https://anywhere.example/sse"}]}""");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unrestricted.StatusCode);
    }
}
