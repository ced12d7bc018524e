namespace Tokengate.Configuration;

/// <summary>What a consumer or consumer group may call: any of <see cref="Deployments"/> with any of <see cref="Operations"/>.</summary>
public sealed class ScopeOptions
{
    /// <summary>Logical deployment names or aliases, or <c>*</c> for all. Default: none.</summary>
    public List<string> Deployments { get; set; } = [];

    /// <summary>
    /// <c>chat</c>, <c>completions</c>, <c>embeddings</c>, <c>files</c>, <c>batch</c>, <c>fine-tuning</c>, or <c>*</c>
    /// for all. Default: none (required when <see cref="Deployments"/> is given).
    /// </summary>
    public List<string> Operations { get; set; } = [];

    /// <summary>
    /// Hosts (or <c>*.suffix</c> patterns) that MCP tools in a request (<c>tools[].type = "mcp"</c>) may name as their
    /// <c>server_url</c>: the service calls those URLs with headers taken from the request, so this is the consumer's
    /// egress policy. An empty list allows no MCP server. Default: not set, any host.
    /// </summary>
    public List<string>? McpServerHosts { get; set; }
}
