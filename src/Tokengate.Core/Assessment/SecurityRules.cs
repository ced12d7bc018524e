using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.Screening;
using static Tokengate.Assessment.AssessmentFinding;

namespace Tokengate.Assessment;

/// <summary>Rules for identity, secrets, screening, network and data protection.</summary>
internal static class SecurityRules
{
    public static IEnumerable<AssessmentRule> All { get; } =
    [
        new("training-data-store", "Stored training files: Azure Blob Storage reached with a managed identity (no account key), encrypted with a key in Key Vault.", TrainingDataStore),
        new("outbound-allowlist", "Every outbound call is checked against the host allowlist; no wildcard that opens it; MCP tools limited to named servers.", OutboundAllowlist),
        new("least-privilege-access", "Consumers have scopes (deployments, operations), not access to everything.", LeastPrivilegeAccess),
        new("prompt-screening", "Prompt screening is on (annotate or block) by default, and never off for consumers with tool access (MCP servers).", PromptScreening),
        new("quota-exhaustion-controls", "Default TPM/RPM limits, auth-failure throttling and a client IP allowlist keep one caller from exhausting quota.", QuotaExhaustionControls),
        new("network-restriction", "Clients are restricted to known IP ranges (Network:AllowedIpRanges, globally or per consumer).", NetworkRestriction),
        new("backend-auth-entra-id", "Backends are called with Entra ID (managed identity), not API keys.", BackendAuthEntraId),
        new("consumer-auth-entra-id", "Consumers can authenticate with Entra ID / OIDC tokens (Identity:Oidc), not only gateway keys.", ConsumerAuthEntraId),
        new("privileged-elevation", "Operator and admin access is time-bound elevation with approval: no self-approving roles, short maximum, local operator access off.", PrivilegedElevation),
        new("backend-keys-in-key-vault", "Backend API keys, where used, are keyvault: references, never plain environment variables.", BackendKeysInKeyVault),
        new("encryption-customer-managed-key", "Data at rest is envelope-encrypted under a customer-managed key in Key Vault.", EncryptionCustomerManagedKey),
        new("prompt-shields", "Azure AI Content Safety Prompt Shields is configured as a detector.", PromptShields),
    ];

    private static IReadOnlyList<AssessmentFinding> TrainingDataStore(AssessmentInput input)
    {
        var files = input.Gateway.Files;
        var findings = new List<AssessmentFinding>();
        if (files.Store == BlobStoreKind.AzureBlob)
        {
            var blob = files.AzureBlob;
            var accountKey = blob.ConnectionString is { } cs && !IsReference(cs);
            findings.Add(string.IsNullOrWhiteSpace(blob.ConnectionString)
                ? Pass("Azure Blob Storage reached with a managed identity", "Tokengate:Files:AzureBlob:ServiceUri set, ConnectionString not set")
                : Warn("Azure Blob Storage reached with a connection string (an account key)",
                    $"Tokengate:Files:AzureBlob:ConnectionString = {(accountKey ? "(a literal value)" : SecretScheme(blob.ConnectionString!))}",
                    "use Tokengate:Files:AzureBlob:ServiceUri with a managed identity (ManagedIdentityClientId) and disable shared-key access on the account"));
        }
        else
        {
            findings.Add(Warn("training files are stored in a local folder", $"Tokengate:Files:Store = {files.Store}",
                "set Tokengate:Files:Store to AzureBlob with a managed identity, private endpoint and access logs on the account"));
        }
        findings.Add(EncryptionKey(input));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> OutboundAllowlist(AssessmentInput input)
    {
        var findings = new List<AssessmentFinding>();
        var hosts = input.Gateway.Outbound.AllowedHosts;
        var wide = hosts.Where(h => h.Trim() is "*" or "*.*" || (h.StartsWith("*.", StringComparison.Ordinal) && !h[2..].Contains('.', StringComparison.Ordinal))).ToList();
        if (wide.Count > 0)
            findings.Add(Fail("the outbound allowlist lets the gateway reach almost any host", $"Tokengate:Outbound:AllowedHosts = [{string.Join(", ", wide)}]",
                "list the exact hosts (or *.openai.azure.com-style suffixes) the gateway calls"));
        else
            findings.Add(Pass("every outbound call is checked against the host allowlist",
                hosts.Count == 0 ? "Tokengate:Outbound:AllowedHosts not set: derived from the configured backends, Key Vault, storage and webhooks" : $"Tokengate:Outbound:AllowedHosts = [{string.Join(", ", hosts)}]"));

        // MCP tools make Azure call the server_url with the request's headers: the consumer's egress through the model.
        var open = ToolScopes(input).Where(s => s.Scope is null || s.Scope.McpServerHosts is null).Select(s => s.Name).ToList();
        if (open.Count > 0)
            findings.Add(Warn("MCP tools in requests may name any server URL", $"Tokengate:Access: McpServerHosts not set for [{string.Join(", ", open)}]",
                "set McpServerHosts in each scope (Tokengate:Access:Default / Groups / Consumers) to the MCP servers allowed (an empty JSON array does not bind: it leaves the setting unset, any host)"));
        else
            findings.Add(Pass("MCP tools are limited to named servers", "Tokengate:Access:*:McpServerHosts set in every scope"));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> LeastPrivilegeAccess(AssessmentInput input)
    {
        var access = input.Gateway.Access;
        if (access.IsUnscoped)
            return [Warn("every consumer may call every deployment and operation", "Tokengate:Access: no Default, Groups or Consumers scopes",
                "give each consumer or group a scope in Tokengate:Access (Deployments and Operations), and a narrow Tokengate:Access:Default")];
        var evidence = $"Tokengate:Access: Default {(access.Default is null ? "not set" : "set")}, {access.Groups.Count} groups, {access.Consumers.Count} consumers";
        if (access.Default is { } d && d.Deployments.Count == 0 && d.Operations.Count == 0)
            return [Warn("the default scope allows everything", evidence, "narrow Tokengate:Access:Default to the deployments and operations every consumer needs")];
        return [Pass("consumers and groups are scoped", evidence)];
    }

    private static IReadOnlyList<AssessmentFinding> PromptScreening(AssessmentInput input)
    {
        var screening = input.Gateway.Screening;
        var findings = new List<AssessmentFinding>();
        var anyOn = screening.Default.Mode != ScreeningMode.Off
            || screening.Consumers.Values.Concat(screening.Groups.Values).Concat(screening.Deployments.Values).Any(p => p.Mode != ScreeningMode.Off);
        if (!anyOn)
            findings.Add(Warn("prompt screening is off for every consumer", "Tokengate:Screening:Default:Mode = Off, no other policy",
                "set Tokengate:Screening:Default:Mode to Annotate or Block (Monitor to measure first)"));
        else if (screening.Default.Mode == ScreeningMode.Off)
            findings.Add(Warn("prompt screening is off by default (on only for some consumers, groups or deployments)", "Tokengate:Screening:Default:Mode = Off",
                "set Tokengate:Screening:Default:Mode to Annotate or Block and turn it off explicitly where it is not wanted"));
        else
            findings.Add(Pass($"prompts are screened by default ({screening.Default.Mode})", $"Tokengate:Screening:Default:Mode = {screening.Default.Mode}"));

        foreach (var (name, scope, isGroup) in ToolScopes(input))
        {
            if (scope?.McpServerHosts is { Count: 0 }) continue;  // no tool servers: nothing for an injection to reach
            var mode = EffectiveScreening(input, name, isGroup);
            var who = isGroup ? $"group {name}" : name == "*" ? "the default scope" : $"consumer {name}";
            var evidence = $"{who}: McpServerHosts = {(scope?.McpServerHosts is { } h ? $"[{string.Join(", ", h)}]" : "any")}, screening {mode}";
            if (mode == ScreeningMode.Off)
                findings.Add(Fail($"screening off for consumers with tool access ({who})", evidence,
                    $"set a Block or Annotate screening policy for {who} (Tokengate:Screening:{(isGroup ? "Groups" : name == "*" ? "Default" : "Consumers")}), or McpServerHosts to []"));
            else if (mode == ScreeningMode.Monitor)
                findings.Add(Warn($"screening only monitors {who}, which has tool access", evidence, $"use Block or Annotate for {who}"));
        }
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> QuotaExhaustionControls(AssessmentInput input)
    {
        var limits = input.Gateway.Limits;
        var findings = new List<AssessmentFinding>();
        var d = limits.Default;
        var evidence = $"Tokengate:Limits:Default: TokensPerMinute = {Show(d.TokensPerMinute)}, RequestsPerMinute = {Show(d.RequestsPerMinute)}, ConcurrentRequests = {Show(d.ConcurrentRequests)}";
        if (d.TokensPerMinute is null && d.RequestsPerMinute is null && d.ConcurrentRequests is null)
        {
            var unlimited = input.Gateway.Consumers.Keys.Where(c => !limits.Consumers.ContainsKey(c)
                && !(input.Gateway.Consumers[c].Group is { } g && limits.Groups.ContainsKey(g))).ToList();
            findings.Add(Warn("no default rate limit: a consumer without its own limits can use the whole quota", evidence + (unlimited.Count > 0 ? $"; consumers without limits [{string.Join(", ", unlimited)}]" : ""),
                "set Tokengate:Limits:Default:TokensPerMinute and RequestsPerMinute (per-consumer and per-group limits override it)"));
        }
        else
        {
            findings.Add(Pass("every consumer has a rate limit", evidence));
        }
        findings.Add(input.AuthFailures.Limit > 0
            ? Pass("repeated authentication failures from one address are throttled", $"Tokengate:AuthFailures:Limit = {input.AuthFailures.Limit}")
            : Warn("authentication failures are not throttled", $"Tokengate:AuthFailures:Limit = {input.AuthFailures.Limit}", "set Tokengate:AuthFailures:Limit (default 10 per minute)"));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> NetworkRestriction(AssessmentInput input)
    {
        var global = input.Gateway.Network.AllowedIpRanges;
        var perConsumer = input.Gateway.Consumers.Where(c => c.Value.AllowedIpRanges.Count > 0).Select(c => c.Key).ToList();
        if (global.Count > 0)
            return [Pass("clients are restricted to known address ranges", $"Tokengate:Network:AllowedIpRanges = [{string.Join(", ", global)}]")];
        if (perConsumer.Count > 0)
            return [Warn("only some consumers are restricted to address ranges", $"Tokengate:Network:AllowedIpRanges empty; per consumer: [{string.Join(", ", perConsumer)}]",
                "set Tokengate:Network:AllowedIpRanges to the networks clients come from (private endpoint / VNet ranges)")];
        return [Warn("any client address may call the gateway", "Tokengate:Network:AllowedIpRanges empty",
            "set Tokengate:Network:AllowedIpRanges to the client networks, or put the gateway behind a private endpoint or a WAF")];
    }

    private static IReadOnlyList<AssessmentFinding> BackendAuthEntraId(AssessmentInput input)
    {
        var keyed = input.Gateway.Pools.SelectMany(p => p.Value.Backends.Where(b => b.Auth == BackendAuthMode.ApiKey).Select(b => $"{p.Key}/{b.Name}")).ToList();
        var total = input.Gateway.Pools.Sum(p => p.Value.Backends.Count);
        return keyed.Count == 0
            ? [Pass("backends are called with Entra ID (or need no credential)", $"Tokengate:Pools:*:Backends:*:Auth: no ApiKey among {total} backends")]
            : [Warn($"{keyed.Count} of {total} backends use API keys", $"Auth = ApiKey: {Abbreviate(keyed)}",
                "set \"Auth\": \"EntraId\" on each backend (a managed identity with the Cognitive Services OpenAI User role) and disable key access on the resources")];
    }

    private static IReadOnlyList<AssessmentFinding> ConsumerAuthEntraId(AssessmentInput input)
    {
        var oidc = input.Gateway.Identity.Oidc;
        return oidc.Enabled
            ? [Pass("consumers can present Entra ID / OIDC tokens", $"Tokengate:Identity:Oidc: Authority/Metadata set, {oidc.Audiences.Count} audiences")]
            : [Warn("consumers authenticate with gateway keys only", "Tokengate:Identity:Oidc not configured",
                "set Tokengate:Identity:Oidc:Authority (https://login.microsoftonline.com/TENANT/v2.0) and Audiences, and map groups and roles")];
    }

    private static IReadOnlyList<AssessmentFinding> PrivilegedElevation(AssessmentInput input)
    {
        var e = input.Elevation;
        var findings = new List<AssessmentFinding>();
        findings.Add(e.SelfApproveRoles.Count > 0
            ? Warn("some roles approve their own elevation", $"Tokengate:Elevation:SelfApproveRoles = [{string.Join(", ", e.SelfApproveRoles)}]", "empty Tokengate:Elevation:SelfApproveRoles so a second person approves")
            : Pass("elevation needs another person's approval", "Tokengate:Elevation:SelfApproveRoles = []"));
        findings.Add(e.MaxDuration > TimeSpan.FromHours(8)
            ? Warn("elevation may last more than a working day", $"Tokengate:Elevation:MaxDuration = {e.MaxDuration}", "set Tokengate:Elevation:MaxDuration to 8 hours or less")
            : Pass("elevation is time-bound", $"Tokengate:Elevation:MaxDuration = {e.MaxDuration}"));
        findings.Add(input.KeyStore.LocalOperatorAccess
            ? Warn("anyone who can read the data folder on this machine acts as an operator", "Tokengate:KeyStore:LocalOperatorAccess = true",
                "set Tokengate:KeyStore:LocalOperatorAccess to false on servers; operators sign in and elevate")
            : Pass("no implicit local operator", "Tokengate:KeyStore:LocalOperatorAccess = false"));
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> BackendKeysInKeyVault(AssessmentInput input)
    {
        var findings = new List<AssessmentFinding>();
        var byScheme = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (pool, options) in input.Gateway.Pools)
        {
            foreach (var b in options.Backends.Where(b => b.Auth == BackendAuthMode.ApiKey))
            {
                foreach (var key in new[] { b.ApiKey, b.SecondaryApiKey }.OfType<string>())
                {
                    var scheme = SecretScheme(key);
                    if (!byScheme.TryGetValue(scheme, out var list)) byScheme[scheme] = list = [];
                    list.Add($"{pool}/{b.Name}");
                }
            }
        }
        if (byScheme.Count == 0) return [NotApplicable("no backend uses an API key", "Tokengate:Pools:*:Backends:*:Auth")];
        foreach (var (scheme, backends) in byScheme)
        {
            var evidence = $"ApiKey = {scheme}... for {Abbreviate(backends.Distinct().ToList())}";
            findings.Add(scheme switch
            {
                "keyvault:" => Pass("backend keys are read from Key Vault", evidence),
                "env:" => Warn("backend keys are plain environment variables, not Key Vault or managed identity", evidence,
                    "store the keys in Key Vault and reference them as keyvault:https://VAULT.vault.azure.net/secrets/NAME, or use \"Auth\": \"EntraId\""),
                "file:" => Warn("backend keys are in the local encrypted secret file, not Key Vault", evidence,
                    "move the keys to Key Vault (keyvault: references), or use \"Auth\": \"EntraId\""),
                _ => Fail("a backend key is written in the configuration", "ApiKey = (a literal value)", "replace it with a keyvault: reference and rotate the exposed key"),
            });
        }
        return findings;
    }

    private static IReadOnlyList<AssessmentFinding> EncryptionCustomerManagedKey(AssessmentInput input) => [EncryptionKey(input)];

    private static IReadOnlyList<AssessmentFinding> PromptShields(AssessmentInput input)
    {
        var shields = input.Gateway.Screening.PromptShields;
        return shields.IsConfigured
            ? [Pass("Azure AI Content Safety Prompt Shields is configured", "Tokengate:Screening:PromptShields:Endpoint set")]
            : [Warn("jailbreak detection is local only (no Azure AI Content Safety Prompt Shields)", "Tokengate:Screening:PromptShields:Endpoint not set",
                "set Tokengate:Screening:PromptShields:Endpoint (a Content Safety resource, managed identity) and add it to the screening policies' Detectors")];
    }

    private static AssessmentFinding EncryptionKey(AssessmentInput input)
    {
        var encryption = input.Gateway.Encryption;
        if (!string.IsNullOrWhiteSpace(encryption.KeyVaultKey))
            return Pass("stored data is encrypted under a customer-managed key in Key Vault", "Tokengate:Encryption:KeyVaultKey set");
        return encryption.LocalKeys.Count > 0
            ? Warn("stored data is encrypted under a local key, not a customer-managed key in Key Vault", $"Tokengate:Encryption:LocalKeys: {encryption.LocalKeys.Count} keys, KeyVaultKey not set",
                "set Tokengate:Encryption:KeyVaultKey to a Key Vault key and run 'tokengate encryption rotate'")
            : Warn("stored data is encrypted under the development key generated in the data folder", "Tokengate:Encryption: no LocalKeys, no KeyVaultKey",
                "set Tokengate:Encryption:KeyVaultKey to a Key Vault key (customer-managed, rotated)");
    }

    /// <summary>
    /// The scopes through which a consumer could send MCP tools: every configured scope, plus the implicit
    /// "everything" scope when no default is set.
    /// </summary>
    internal static IEnumerable<(string Name, ScopeOptions? Scope, bool IsGroup)> ToolScopes(AssessmentInput input)
    {
        var access = input.Gateway.Access;
        yield return ("*", access.Default, false);
        foreach (var (name, scope) in access.Groups) yield return (name, scope, true);
        foreach (var (name, scope) in access.Consumers) yield return (name, scope, false);
    }

    private static ScreeningMode EffectiveScreening(AssessmentInput input, string name, bool isGroup)
    {
        var s = input.Gateway.Screening;
        if (name == "*") return s.Default.Mode;
        if (isGroup) return s.Groups.TryGetValue(name, out var g) ? g.Mode : s.Default.Mode;
        if (s.Consumers.TryGetValue(name, out var c)) return c.Mode;
        if (input.Gateway.Consumers.TryGetValue(name, out var consumer) && consumer.Group is { } group && s.Groups.TryGetValue(group, out var cg)) return cg.Mode;
        return s.Default.Mode;
    }

    internal static bool IsReference(string value) =>
        value.StartsWith("env:", StringComparison.Ordinal) || value.StartsWith("file:", StringComparison.Ordinal) || value.StartsWith("keyvault:", StringComparison.Ordinal);

    /// <summary>The kind of secret reference, never its value.</summary>
    internal static string SecretScheme(string value) =>
        IsReference(value) ? value[..(value.IndexOf(':', StringComparison.Ordinal) + 1)] : "(literal)";

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not set";

    private static string Abbreviate(IReadOnlyList<string> names) =>
        names.Count <= 4 ? string.Join(", ", names) : string.Join(", ", names.Take(4)) + $" and {names.Count - 4} more";
}
