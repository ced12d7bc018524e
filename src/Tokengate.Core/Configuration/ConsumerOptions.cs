namespace Tokengate.Configuration;

/// <summary>A consumer known from configuration.</summary>
public sealed class ConsumerOptions
{
    /// <summary>
    /// Hashes of the consumer's keys, each <c>sha256:</c> followed by 64 hex digits. Two may be active at once so a
    /// key can be rotated without a failed request. Hash a key with <c>tokengate keys hash</c>.
    /// </summary>
    public List<string> KeyHashes { get; set; } = [];

    /// <summary>The consumer group (team). Default: none.</summary>
    public string? Group { get; set; }

    /// <summary>Roles: <c>consumer</c>, <c>reader</c>, <c>operator</c>, <c>admin</c>. Default (empty): <c>consumer</c>.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>
    /// CIDR ranges or single addresses this consumer may call from, on top of
    /// <see cref="NetworkOptions.AllowedIpRanges"/>. Default empty: wherever the gateway admits.
    /// </summary>
    public List<string> AllowedIpRanges { get; set; } = [];

    /// <summary>
    /// The <c>service_tier</c> values this consumer may ask for itself (<c>priority</c>, <c>default</c>, <c>flex</c>,
    /// <c>auto</c>): such a request goes to the backend with the consumer's tier. A tier not listed is replaced by the
    /// backend's tier for the request's priority class (<see cref="BackendOptions.ServiceTiers"/>), or removed when the
    /// backend maps none, so a consumer cannot buy <c>priority</c> processing it was not granted. Default empty: the
    /// gateway's mapping decides every request.
    /// </summary>
    public List<string> AllowedServiceTiers { get; set; } = [];
}
