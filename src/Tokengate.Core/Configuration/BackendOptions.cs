namespace Tokengate.Configuration;

/// <summary>One model deployment in one Azure OpenAI resource (or one OpenAI-compatible endpoint).</summary>
public sealed class BackendOptions
{
    /// <summary>Unique name across all pools; used in health state, metrics and logs. Required.</summary>
    public string Name { get; set; } = "";

    /// <summary>Base URL of the resource, e.g. <c>https://contoso-eastus.openai.azure.com/</c>. Required.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>
    /// The deployment name at the backend. Default: the pool's name. For <see cref="BackendProtocol.OpenAI"/>
    /// backends this is the model sent in the body.
    /// </summary>
    public string? Deployment { get; set; }

    /// <summary>Wire protocol of the backend. Default <see cref="BackendProtocol.AzureOpenAI"/>.</summary>
    public BackendProtocol Protocol { get; set; } = BackendProtocol.AzureOpenAI;

    /// <summary>
    /// <c>api-version</c> sent to Azure OpenAI backends when the consumer called a route without one (v1 and
    /// OpenAI-style routes). Requests on classic routes keep the consumer's version. Default <c>2024-10-21</c>.
    /// </summary>
    public string ApiVersion { get; set; } = "2024-10-21";

    /// <summary>Provisioned (PTU) or standard (pay-as-you-go). Default <see cref="BackendType.Standard"/>.</summary>
    public BackendType Type { get; set; } = BackendType.Standard;

    /// <summary>
    /// Provisioned only, optional: the tokens per minute the deployment absorbs at 100% utilization. When given, the
    /// gateway's own per-minute token count for the backend divided by it is a second utilization estimate, and the
    /// higher of it and the last utilization header decides (a header reading is stale while the gateway keeps
    /// sending). Default: none (the header alone).
    /// </summary>
    public long? ProvisionedTokensPerMinute { get; set; }

    /// <summary>Priority tier: lower is tried first. Default 1.</summary>
    public int Priority { get; set; } = 1;

    /// <summary>Relative share of traffic within its tier, 1 to 1000. Default 1.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Region label for operators (e.g. <c>swedencentral</c>). Optional.</summary>
    public string? Region { get; set; }

    /// <summary>The model behind the deployment (e.g. <c>gpt-4o</c>). Optional; used for token counting and prices.</summary>
    public string? Model { get; set; }

    /// <summary>How the gateway authenticates to the backend. Default <see cref="BackendAuthMode.ApiKey"/>.</summary>
    public BackendAuthMode Auth { get; set; } = BackendAuthMode.ApiKey;

    /// <summary>
    /// A secret reference to the backend key, never the key itself: <c>env:VARIABLE_NAME</c>, <c>file:NAME</c> (the
    /// local secret file) or <c>keyvault:https://VAULT.vault.azure.net/secrets/NAME</c>.
    /// Required when <see cref="Auth"/> is <see cref="BackendAuthMode.ApiKey"/>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// A secret reference to the resource's other key (Azure's key 2), so keys rotate without a failed request: the
    /// gateway switches to it on command, on <see cref="KeyRotationInterval"/>, or when the backend refuses the key in
    /// use with 401. Optional; only with <see cref="BackendAuthMode.ApiKey"/>.
    /// </summary>
    public string? SecondaryApiKey { get; set; }

    /// <summary>
    /// Switch between <see cref="ApiKey"/> and <see cref="SecondaryApiKey"/> this often, re-reading both secrets.
    /// Default: never on schedule. Needs <see cref="SecondaryApiKey"/>; at least one minute.
    /// </summary>
    public TimeSpan? KeyRotationInterval { get; set; }

    /// <summary>
    /// Client id of a user-assigned managed identity for <see cref="BackendAuthMode.EntraId"/>. Default: the
    /// Azure.Identity default credential chain.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>
    /// The <c>service_tier</c> written into chat completions and Responses requests sent to this backend, by priority
    /// class name (e.g. <c>{ "high": "priority", "low": "flex" }</c>); values <c>priority</c>, <c>default</c>,
    /// <c>flex</c> or <c>auto</c>. A consumer's own tier is kept when it may ask for it
    /// (<see cref="ConsumerOptions.AllowedServiceTiers"/>) and replaced by this one otherwise. Only map <c>flex</c> to
    /// a deployment whose model supports it (Azure answers 400 otherwise), and <c>priority</c> to one with priority
    /// processing. Default empty: the body's tier is left as the consumer sent it, or removed when the consumer may
    /// not ask for it.
    /// </summary>
    public Dictionary<string, string> ServiceTiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
