namespace Tokengate.Screening;

/// <summary>
/// Azure AI Content Safety Prompt Shields (<c>Tokengate:Screening:PromptShields</c>): a remote detector of jailbreaks
/// in the user's prompt and of indirect attacks in documents. Off unless <see cref="Endpoint"/> is given. Its host
/// joins the outbound allowlist on its own (with the Key Vault of <see cref="ApiKey"/> and the Entra sign-in hosts
/// when they are used).
/// </summary>
public sealed class PromptShieldsOptions
{
    /// <summary>
    /// The Content Safety resource's endpoint, e.g. <c>https://contoso-safety.cognitiveservices.azure.com/</c>
    /// (an Azure AI services multi-service endpoint works too). Absolute http(s) URL without query. Default none: the
    /// detector is off. Choose a region where Prompt Shields is offered.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// A secret reference to the resource key, sent as <c>Ocp-Apim-Subscription-Key</c>: <c>env:NAME</c>,
    /// <c>file:NAME</c> or <c>keyvault:https://VAULT.vault.azure.net/secrets/NAME</c>; never the key itself. Read on
    /// start and again after a 401. Default none: the gateway signs in with Microsoft Entra ID instead (a managed
    /// identity or the default credential chain), which needs the <c>Cognitive Services User</c> role on the resource.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Client id of the user-assigned managed identity to sign in with when <see cref="ApiKey"/> is not given.
    /// Default none: the default Azure credential chain (system-assigned identity, workload identity, developer sign-in).
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The Content Safety <c>api-version</c>. Default <c>2024-09-01</c> (the GA version of Prompt Shields).</summary>
    public string ApiVersion { get; set; } = "2024-09-01";

    /// <summary>
    /// Deadline of each call (they run concurrently, so it is also about the longest a screen waits). A call past it
    /// counts as a failure and the detector does not answer. Between 50 ms and 30 s. Default 1 s.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Calls this gateway instance makes per sliding 10-second window. Azure allows 1,000 per 10 s per resource on F0
    /// and S0; with several instances sharing a resource, divide it among them. A screen that needs more calls than
    /// the window has left is not answered ("rate limited") rather than made to wait. Between 1 and 100,000.
    /// Default 1,000.
    /// </summary>
    public int RequestsPer10Seconds { get; set; } = 1_000;

    /// <summary>
    /// Most calls one screen may make (a 10,000-character piece of prompt and up to five documents per call); a longer
    /// input is not answered ("input too large"). Between 1 and 1,000. Default 20 (about 200,000 characters).
    /// </summary>
    public int MaxCallsPerScreen { get; set; } = 20;

    /// <summary>
    /// Verdicts remembered by the SHA-256 of each piece of text (user prompt and document pieces apart), so the
    /// repeated prefix of a conversation costs no call. 0 turns the cache off. Between 0 and 10,000,000. Default 10,000.
    /// </summary>
    public int CacheEntries { get; set; } = 10_000;

    /// <summary>How long a remembered verdict is used. Positive. Default 1 hour.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether the detector is configured (an endpoint is given).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);
}
