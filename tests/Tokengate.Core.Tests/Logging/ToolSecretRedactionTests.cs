using System.Text;
using System.Text.Json;

namespace Tokengate.Logging;

public class ToolSecretRedactionTests
{
    [Fact]
    public void Redact_McpToolHeadersAndAuthorization_ValuesReplacedKeysAndTheRestKept()
    {
        const string body = """{"model":"m","input":"hi","tools":[{"type":"mcp","server_url":"https://mcp.example/","headers":{"Authorization":"Bearer top-secret","X-Key":"k2"},"authorization":"oauth-secret"},{"type":"function","name":"f"}],"max_output_tokens":5}""";

        var redacted = ToolSecretRedaction.Redact(Encoding.UTF8.GetBytes(body));

        Assert.DoesNotContain("top-secret", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("k2", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("oauth-secret", redacted, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(redacted);
        var tool = json.RootElement.GetProperty("tools")[0];
        Assert.Equal("[redacted]", tool.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("[redacted]", tool.GetProperty("headers").GetProperty("X-Key").GetString());
        Assert.Equal("[redacted]", tool.GetProperty("authorization").GetString());
        Assert.Equal("https://mcp.example/", tool.GetProperty("server_url").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("f", json.RootElement.GetProperty("tools")[1].GetProperty("name").GetString());
    }

    [Fact]
    public void Redact_HeadersOutsideTools_Kept()
    {
        const string body = """{"metadata":{"headers":"not a tool"},"input":[{"headers":"also kept"}]}""";

        Assert.Equal(body, ToolSecretRedaction.Redact(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void Redact_NotJson_ReturnedAsItIs()
    {
        const string body = "{\"tools\": [ broken";

        Assert.Equal(body, ToolSecretRedaction.Redact(Encoding.UTF8.GetBytes(body)));
    }
}
