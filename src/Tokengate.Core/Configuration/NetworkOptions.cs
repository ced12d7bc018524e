namespace Tokengate.Configuration;

/// <summary>Which client addresses may call the gateway, and which peers may tell the gateway who the client is.</summary>
public sealed class NetworkOptions
{
    /// <summary>
    /// CIDR ranges (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>) or single addresses allowed to call the gateway.
    /// Default empty: every address. Checked before the consumer's key is looked at.
    /// </summary>
    public List<string> AllowedIpRanges { get; set; } = [];

    /// <summary>
    /// CIDR ranges of reverse proxies and load balancers in front of the gateway. Only when the direct peer is in one
    /// of them is <c>X-Forwarded-For</c> read, and the client is its right-most address that is not itself a trusted
    /// proxy. Default empty: the direct peer is the client and <c>X-Forwarded-For</c> is ignored.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// Per-consumer client allowlists by consumer name, for consumers kept in the database as well as configured ones
    /// (<c>Tokengate:Network:Consumers:alice:AllowedIpRanges</c>); the admin API writes these. A configured consumer's
    /// own <see cref="ConsumerOptions.AllowedIpRanges"/> wins when it has any. Default: none.
    /// </summary>
    public Dictionary<string, ConsumerNetworkOptions> Consumers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
