using System.Collections.Frozen;
using Tokengate.Configuration;
using Tokengate.Files;
using Tokengate.Secrets;

namespace Tokengate.Network;

/// <summary>The hosts the gateway may connect to, compiled once per configuration snapshot.</summary>
internal sealed class OutboundAllowlist
{
    private readonly FrozenSet<string> _exact;
    private readonly string[] _suffixes;

    private OutboundAllowlist(IEnumerable<string> exact, IEnumerable<string> suffixes)
    {
        _exact = exact.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _suffixes = [.. suffixes];
    }

    /// <summary>
    /// <c>Tokengate:Outbound:AllowedHosts</c> when it is set; otherwise every host the configuration itself names
    /// (backend endpoints and Key Vaults), so an empty list still stops calls to anywhere else.
    /// </summary>
    public static OutboundAllowlist From(GatewayOptions options)
    {
        return options.Outbound.AllowedHosts.Count == 0
            ? new OutboundAllowlist(ConfiguredHosts(options).Select(h => h.Host), [])
            : FromPatterns(options.Outbound.AllowedHosts);
    }

    /// <summary>An allowlist of exactly these host names and <c>*.suffix</c> patterns (checked on start, <see cref="CheckPattern"/>).</summary>
    public static OutboundAllowlist FromPatterns(IEnumerable<string> patterns)
    {
        var exact = new List<string>();
        var suffixes = new List<string>();
        foreach (var pattern in patterns)
        {
            var host = Normalize(pattern);
            if (host.StartsWith("*.", StringComparison.Ordinal)) suffixes.Add(host[1..]);
            else exact.Add(host);
        }
        return new OutboundAllowlist(exact, suffixes);
    }

    public bool Allows(string host)
    {
        host = Normalize(host);
        if (_exact.Contains(host)) return true;
        foreach (var suffix in _suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>A host name or <c>*.suffix</c>; null when it is one, else why not.</summary>
    public static string? CheckPattern(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) return "a host is empty.";
        var host = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[2..] : pattern;
        if (host.Contains('*', StringComparison.Ordinal)) return $"'{pattern}': a wildcard is allowed only as a leading '*.' (e.g. '*.openai.azure.com').";
        return Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown
            ? $"'{pattern}' is not a host name (give a host such as 'contoso.openai.azure.com', not a URL)."
            : null;
    }

    /// <summary>Every host the configuration tells the gateway to call, with the configuration path that names it.</summary>
    public static IEnumerable<(string Path, string Host)> ConfiguredHosts(GatewayOptions options)
    {
        const string Oidc = GatewayOptions.SectionName + ":Identity:Oidc";
        var oidc = options.Identity.Oidc;
        foreach (var (path, url) in new[] { ($"{Oidc}:Authority", oidc.Authority), ($"{Oidc}:MetadataAddress", oidc.MetadataAddress), ($"{Oidc}:JwksUri", oidc.JwksUri) })
        {
            if (UrlHost(url) is { } host) yield return (path, host);
        }
        if (UrlHost(options.Console.Oidc.Authority) is { } console) yield return ($"{OperatorConsole.ConsoleOptions.SectionName}:Oidc:Authority", console);
        if (UrlHost(options.Budgets.WebhookUrl) is { } webhook) yield return ($"{GatewayOptions.SectionName}:Budgets:WebhookUrl", webhook);
        for (var i = 0; i < options.Alerts.WebhookUrls.Count; i++)
        {
            if (UrlHost(options.Alerts.WebhookUrls[i]) is { } alertHook) yield return ($"{GatewayOptions.SectionName}:Alerts:WebhookUrls:{i}", alertHook);
        }

        if (options.Files.Store == BlobStoreKind.AzureBlob && string.IsNullOrWhiteSpace(options.Files.AzureBlob.ConnectionString)
            && UrlHost(options.Files.AzureBlob.ServiceUri) is { } blobs)
            yield return ($"{FilesOptions.SectionName}:AzureBlob:ServiceUri", blobs);

        // Signing in with Entra ID (backends with Auth EntraId, Key Vault references) calls the authority and the
        // managed identity endpoint; name them by the first setting that needs them.
        if (FirstEntraUse(options) is { } entraPath)
        {
            foreach (var host in AzureSignIn.Hosts()) yield return (entraPath, Normalize(host));
        }

        if (UrlHost(options.Encryption.KeyVaultKey) is { } keyVault) yield return ($"{GatewayOptions.SectionName}:Encryption:KeyVaultKey", keyVault);
        foreach (var (path, host) in Screening.PromptShields.PromptShieldsHosts.Of(options)) yield return (path, Normalize(host));

        foreach (var (poolName, pool) in options.Pools)
        {
            for (var i = 0; i < pool.Backends.Count; i++)
            {
                var b = pool.Backends[i];
                var p = $"{GatewayOptions.SectionName}:Pools:{poolName}:Backends:{i}";
                if (Uri.TryCreate(b.Endpoint, UriKind.Absolute, out var endpoint)) yield return ($"{p}:Endpoint", Normalize(endpoint.IdnHost));
                if (KeyVaultHost(b.ApiKey) is { } primary) yield return ($"{p}:ApiKey", primary);
                if (KeyVaultHost(b.SecondaryApiKey) is { } secondary) yield return ($"{p}:SecondaryApiKey", secondary);
            }
        }
    }

    private static string? FirstEntraUse(GatewayOptions options)
    {
        if (options.Files.Store == BlobStoreKind.AzureBlob && string.IsNullOrWhiteSpace(options.Files.AzureBlob.ConnectionString)
            && !string.IsNullOrWhiteSpace(options.Files.AzureBlob.ServiceUri))
            return $"{FilesOptions.SectionName}:AzureBlob:ServiceUri";
        foreach (var (poolName, pool) in options.Pools)
        {
            for (var i = 0; i < pool.Backends.Count; i++)
            {
                var b = pool.Backends[i];
                var p = $"{GatewayOptions.SectionName}:Pools:{poolName}:Backends:{i}";
                if (b.Auth == BackendAuthMode.EntraId) return $"{p}:Auth";
                if (KeyVaultHost(b.ApiKey) is not null) return $"{p}:ApiKey";
                if (KeyVaultHost(b.SecondaryApiKey) is not null) return $"{p}:SecondaryApiKey";
            }
        }
        if (Screening.PromptShields.PromptShieldsHosts.EntraUse(options) is { } promptShields) return promptShields;
        return string.IsNullOrWhiteSpace(options.Encryption.KeyVaultKey) ? null : $"{GatewayOptions.SectionName}:Encryption:KeyVaultKey";
    }

    private static string? UrlHost(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Normalize(uri.IdnHost) : null;

    private static string? KeyVaultHost(string? reference) =>
        reference is not null && KeyVaultReference.TryParse(reference, out var parsed, out _) ? Normalize(parsed.VaultUri.IdnHost) : null;

    // Host names compare without case and without a trailing root dot; IPv6 literals without brackets.
    private static string Normalize(string host) => host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}
