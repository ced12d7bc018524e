namespace Tokengate.Configuration;

/// <summary>
/// The whole gateway configuration, bound from the <c>Tokengate</c> section of <c>appsettings.json</c>,
/// a file given with <c>--config</c>, or environment variables (<c>Tokengate__Pools__chat__...</c>).
/// Validated on start; changes to pools and consumers are picked up without a restart.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section this type binds to.</summary>
    public const string SectionName = "Tokengate";

    /// <summary>
    /// Logical deployments, by the name consumers use (the deployment in the URL, or <c>model</c> in the body on
    /// v1 routes). Each is a pool of backend deployments. Required: at least one.
    /// </summary>
    public Dictionary<string, PoolOptions> Pools { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Consumers allowed to call the gateway, by name. Keys are given as SHA-256 hashes only.</summary>
    public Dictionary<string, ConsumerOptions> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How requests are forwarded: attempts, deadlines, cooldowns, circuit breaker, body limit.</summary>
    public ForwardingOptions Forwarding { get; set; } = new();

    /// <summary>Client IP allowlist and trusted proxies.</summary>
    public NetworkOptions Network { get; set; } = new();

    /// <summary>The hosts the gateway may connect to.</summary>
    public OutboundOptions Outbound { get; set; } = new();

    /// <summary>The local secret file and Key Vault access, for <c>file:</c> and <c>keyvault:</c> references.</summary>
    public SecretsOptions Secrets { get; set; } = new();

    /// <summary>Consumer authentication beyond gateway keys (Entra ID / OIDC).</summary>
    public IdentitySectionOptions Identity { get; set; } = new();

    /// <summary>
    /// The <c>Tokengate:Console</c> section as part of the whole configuration, so the outbound allowlist can name the
    /// console's sign-in provider; validated on its own through <see cref="OperatorConsole.ConsoleOptions"/>.
    /// </summary>
    public OperatorConsole.ConsoleOptions Console { get; set; } = new();

    /// <summary>Scopes: which logical deployments and operations each consumer and consumer group may call.</summary>
    public AccessOptions Access { get; set; } = new();

    /// <summary>Priority classes and who gets which.</summary>
    public Priority.PriorityOptions Priority { get; set; } = new();

    /// <summary>Token counting and estimation at admission.</summary>
    public TokensOptions Tokens { get; set; } = new();

    /// <summary>Rate limits (TPM, RPM, concurrency) per consumer and group, and max-tokens policies.</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>Prices and the usage ledger.</summary>
    public AccountingOptions Accounting { get; set; } = new();

    /// <summary>Budgets per consumer and group, with alerts and hard stops.</summary>
    public BudgetsOptions Budgets { get; set; } = new();

    /// <summary>Capacity alerts (bound here too so their webhook hosts join the outbound allowlist).</summary>
    public Alerts.AlertsOptions Alerts { get; set; } = new();

    /// <summary>Where stored bytes live (bound here too so an Azure Blob Storage endpoint joins the outbound allowlist).</summary>
    public Files.FilesOptions Files { get; set; } = new();

    /// <summary>Prompt screening: who is screened for jailbreaks and indirect attacks, by which detectors, and what a finding does.</summary>
    public Screening.ScreeningOptions Screening { get; set; } = new();

    /// <summary>The Batch API: modes, and how gateway-run batches use idle capacity.</summary>
    public Batches.BatchesOptions Batches { get; set; } = new();

    /// <summary>
    /// Consumer groups by name: a description for the operator console. A group exists wherever it is named (a
    /// consumer's group, a policy section); an entry here only describes it. Default: none.
    /// </summary>
    public Dictionary<string, GroupOptions> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Encryption at rest (bound here too so a Key Vault key's host joins the outbound allowlist).</summary>
    public Encryption.EncryptionOptions Encryption { get; set; } = new();
}
