namespace Tokengate.Configuration;

/// <summary>Where the gateway itself may connect to.</summary>
public sealed class OutboundOptions
{
    /// <summary>
    /// Host names the gateway may call: exact names (<c>contoso.openai.azure.com</c>) and wildcards that match any
    /// subdomain (<c>*.openai.azure.com</c>, which does not match <c>openai.azure.com</c> itself). Every outbound call
    /// to any other host is refused before a connection is opened. Default empty: exactly the hosts of the configured
    /// backend endpoints and of the Key Vaults named in secret references.
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];
}
