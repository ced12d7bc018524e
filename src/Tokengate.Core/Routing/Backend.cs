using System.Collections.Concurrent;
using Tokengate.Configuration;
using Tokengate.OpenAI;
using Tokengate.Proxy;

namespace Tokengate.Routing;

/// <summary>A backend deployment as the forwarding loop sees it: immutable, built from configuration.</summary>
internal sealed class Backend
{
    private const int UriCacheLimit = 64;
    private readonly ConcurrentDictionary<(OpenAIOperation, string), Uri> _uris = new();

    public Backend(BackendOptions options, string poolName, int index, BackendCredential credential)
    {
        Name = options.Name;
        Index = index;
        Type = options.Type;
        Priority = options.Priority;
        Weight = options.Weight;
        Region = options.Region;
        Model = options.Model;
        Protocol = options.Protocol;
        ApiVersion = options.ApiVersion;
        Deployment = options.Deployment ?? poolName;
        Credential = credential;
        var endpoint = options.Endpoint.EndsWith('/') ? options.Endpoint : options.Endpoint + "/";
        BaseUri = new Uri(endpoint, UriKind.Absolute);
        DeploymentPathPrefix = Protocol == BackendProtocol.AzureOpenAI
            ? $"openai/deployments/{Uri.EscapeDataString(Deployment)}/"
            : "";
        DeploymentUtf8JsonString = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(Deployment));
    }

    public string Name { get; }

    /// <summary>Position in its pool; the forwarding loop tracks tried backends as bits of a mask.</summary>
    public int Index { get; }

    public BackendType Type { get; }
    public int Priority { get; }
    public int Weight { get; }
    public string? Region { get; }
    public string? Model { get; }
    public BackendProtocol Protocol { get; }
    public string ApiVersion { get; }

    /// <summary>The deployment name at the backend (or the model name for OpenAI-protocol backends).</summary>
    public string Deployment { get; }

    public Uri BaseUri { get; }

    /// <summary>Path after the base URI and before the operation, e.g. <c>openai/deployments/gpt-4o/</c>.</summary>
    public string DeploymentPathPrefix { get; }

    /// <summary>The deployment as a JSON string literal, for rewriting <c>model</c> in OpenAI-protocol bodies.</summary>
    public ReadOnlyMemory<byte> DeploymentUtf8JsonString { get; }

    public BackendCredential Credential { get; }

    /// <summary>The backend URL for an operation, cached per api-version.</summary>
    public Uri TargetUri(GatewayRoute route, string apiVersion)
    {
        var operation = route.Operation;
        if (_uris.TryGetValue((operation, apiVersion), out var cached)) return cached;
        var relative = Protocol == BackendProtocol.AzureOpenAI
            ? $"{DeploymentPathPrefix}{route.OperationPath}?api-version={Uri.EscapeDataString(apiVersion)}"
            : route.OperationPath;
        var uri = new Uri(BaseUri, relative);
        // api-version comes from consumers, so the cache is bounded; past it URLs are built each time.
        if (_uris.Count < UriCacheLimit) _uris.TryAdd((operation, apiVersion), uri);
        return uri;
    }

    public override string ToString() => Name;
}
