using System.Collections.Concurrent;
using System.Collections.Frozen;
using Tokengate.Configuration;
using Tokengate.Operations;
using Tokengate.Proxy;

namespace Tokengate.Routing;

/// <summary>A backend deployment as the forwarding loop sees it: immutable, built from configuration.</summary>
internal sealed class Backend
{
    private const int UriCacheLimit = 64;
    private readonly ConcurrentDictionary<(OperationDescriptor, string), Uri> _uris = new();

    public Backend(BackendOptions options, string poolName, int index, BackendCredential credential)
    {
        Name = options.Name;
        Index = index;
        Type = options.Type;
        ProvisionedTokensPerMinute = options.Type == BackendType.Provisioned ? options.ProvisionedTokensPerMinute : null;
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
        ServiceTiers = options.ServiceTiers.Count == 0
            ? FrozenDictionary<string, string>.Empty
            : options.ServiceTiers.ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The <c>service_tier</c> this backend is sent per priority class (validated known values).</summary>
    public FrozenDictionary<string, string> ServiceTiers { get; }

    /// <summary>The tier mapped for <paramref name="priority"/>; null when none is.</summary>
    public string? ServiceTierFor(Priority.PriorityClass? priority) =>
        priority is not null && ServiceTiers.Count > 0 && ServiceTiers.TryGetValue(priority.Name, out var tier) ? tier : null;

    public string Name { get; }

    /// <summary>Position in its pool; the forwarding loop tracks tried backends as bits of a mask.</summary>
    public int Index { get; }

    public BackendType Type { get; }

    /// <summary>Provisioned: the declared tokens per minute at 100% utilization, for the gateway's own estimate; null when not declared.</summary>
    public long? ProvisionedTokensPerMinute { get; }
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
    /// <summary>
    /// The operation's URL on this backend: the classic deployment path with <paramref name="apiVersion"/>, or the
    /// v1 / OpenAI path with <paramref name="routeValue"/> filled in, plus <paramref name="query"/> (the consumer's own query
    /// string, for calls that take one).
    /// </summary>
    public Uri TargetUri(OperationDescriptor operation, string apiVersion, string? routeValue = null, string? query = null)
    {
        var upstream = operation.Upstream ?? throw new InvalidOperationException($"{operation.Name} is answered by the gateway.");
        var cacheable = !upstream.IsTemplated && string.IsNullOrEmpty(query);
        if (cacheable && _uris.TryGetValue((operation, apiVersion), out var cached)) return cached;
        var relative = Protocol == BackendProtocol.AzureOpenAI
            ? upstream.AzureDeploymentInPath
                ? $"{DeploymentPathPrefix}{Fill(upstream, upstream.AzurePath, routeValue)}?api-version={Uri.EscapeDataString(apiVersion)}"
                : Fill(upstream, upstream.AzurePath, routeValue)
            : Fill(upstream, upstream.OpenAIPath ?? throw new InvalidOperationException($"{Name} cannot serve {operation.Name}."), routeValue);
        if (!string.IsNullOrEmpty(query)) relative += (relative.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query.TrimStart('?');
        var uri = new Uri(BaseUri, relative);
        // api-version comes from consumers, so the cache is bounded; past it URLs are built each time.
        if (cacheable && _uris.Count < UriCacheLimit) _uris.TryAdd((operation, apiVersion), uri);
        return uri;
    }

    /// <summary>Whether this backend takes the deployment as the body's <c>model</c> for the operation (rather than in the path).</summary>
    public bool TakesModelInBody(OperationDescriptor operation) =>
        Protocol == BackendProtocol.OpenAI || operation.Upstream is { AzureDeploymentInPath: false };

    /// <summary>Whether this backend's protocol has the operation at all.</summary>
    public bool CanServe(OperationDescriptor operation) =>
        !IsBatchDeployment && operation.Upstream is { } upstream && (Protocol == BackendProtocol.AzureOpenAI || upstream.OpenAIPath is not null);

    /// <summary>A Global or Data Zone Batch deployment: it takes batches only, never a live request.</summary>
    public bool IsBatchDeployment => Type is BackendType.GlobalBatch or BackendType.DataZoneBatch;

    /// <summary>
    /// The path with its route value filled in: an id escaped as one segment, a pass-through path escaped segment by
    /// segment (its slashes kept, no dot segments, which routing has already removed).
    /// </summary>
    private static string Fill(UpstreamShape upstream, string path, string? value)
    {
        if (upstream.RouteValue is not { } name) return path;
        var escaped = value is null ? ""
            : name == "path" ? string.Join('/', value.Split('/').Select(Uri.EscapeDataString))
            : Uri.EscapeDataString(value);
        return path.Replace("{" + name + "}", escaped, StringComparison.Ordinal);
    }

    public override string ToString() => Name;
}
