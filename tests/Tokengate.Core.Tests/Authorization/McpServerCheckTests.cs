using System.Text;
using Tokengate.Network;

namespace Tokengate.Authorization;

public class McpServerCheckTests
{
    private static readonly OutboundAllowlist Allowed = OutboundAllowlist.FromPatterns(["mcp.contoso.com", "*.tools.contoso.com"]);

    [Theory]
    [InlineData("""[{"type":"mcp","server_label":"a","server_url":"https://mcp.contoso.com/sse"}]""")]
    [InlineData("""[{"type":"mcp","server_url":"https://x.tools.contoso.com/mcp","headers":{"Authorization":"Bearer s"}}]""")]
    [InlineData("""[{"type":"function","name":"f","parameters":{}},{"type":"web_search"}]""")]
    [InlineData("""[]""")]
    public void FirstRefused_AllowedOrNoMcpTools_Null(string tools)
    {
        Assert.Null(McpServerCheck.FirstRefused(Encoding.UTF8.GetBytes(tools), Allowed));
    }

    [Theory]
    [InlineData("""[{"type":"mcp","server_url":"https://evil.example/sse"}]""", "https://evil.example/sse")]
    [InlineData("""[{"type":"mcp","server_url":"https://tools.contoso.com/"}]""", "https://tools.contoso.com/")]
    [InlineData("""[{"type":"mcp","server_url":"https://mcp.contoso.com.evil.example/"}]""", "https://mcp.contoso.com.evil.example/")]
    [InlineData("""[{"type":"mcp","server_url":"not a url"}]""", "not a url")]
    [InlineData("""[{"type":"mcp","server_url":"https://mcp.contoso.com/"},{"server_url":"https://evil.example/","type":"mcp"}]""", "https://evil.example/")]
    public void FirstRefused_HostNotAllowed_TheUrl(string tools, string refused)
    {
        Assert.Equal(refused, McpServerCheck.FirstRefused(Encoding.UTF8.GetBytes(tools), Allowed));
    }
}
