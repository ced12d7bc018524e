namespace Tokengate.Configuration;

/// <summary>The client allowlist of one consumer (<c>Tokengate:Network:Consumers:&lt;name&gt;</c>).</summary>
public sealed class ConsumerNetworkOptions
{
    /// <summary>
    /// CIDR ranges or single addresses this consumer may call from, on top of <see cref="NetworkOptions.AllowedIpRanges"/>.
    /// Default empty: wherever the gateway admits.
    /// </summary>
    public List<string> AllowedIpRanges { get; set; } = [];
}
