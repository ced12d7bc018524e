namespace Tokengate.Configuration;

/// <summary>
/// Least-privilege scopes (<c>Tokengate:Access</c>), reloaded with the rest of the configuration. A consumer's
/// scope is its own entry in <see cref="Consumers"/> together with its group's entry in <see cref="Groups"/>; a
/// consumer with neither gets <see cref="Default"/>.
/// </summary>
public sealed class AccessOptions
{
    /// <summary>Scopes of consumer groups (teams), by group name. Default: none.</summary>
    public Dictionary<string, ScopeOptions> Groups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Scopes of single consumers, by consumer name. Default: none.</summary>
    public Dictionary<string, ScopeOptions> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The scope of a consumer that has neither its own nor its group's. Default: nothing — except in a
    /// configuration that defines no scopes at all (no <see cref="Groups"/>, no <see cref="Consumers"/>, no
    /// <see cref="Default"/>) and no OIDC issuer, where every key holder may call everything, as before scopes
    /// existed (a single-team install and <c>tokengate up</c>). With an OIDC issuer configured, scopes are required.
    /// </summary>
    public ScopeOptions? Default { get; set; }

    /// <summary>True when no scope of any kind is configured.</summary>
    public bool IsUnscoped => Groups.Count == 0 && Consumers.Count == 0 && Default is null;
}
