using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;
using Tokengate.OpenAI;

namespace Tokengate.Network;

/// <summary>The client IP rules of one configuration snapshot, compiled once.</summary>
internal sealed class NetworkRules
{
    private readonly IpRangeSet _allowed;
    private readonly IpRangeSet _trustedProxies;
    private readonly FrozenDictionary<string, IpRangeSet> _perConsumer;

    private NetworkRules(IpRangeSet allowed, IpRangeSet trustedProxies, FrozenDictionary<string, IpRangeSet> perConsumer)
    {
        _allowed = allowed;
        _trustedProxies = trustedProxies;
        _perConsumer = perConsumer;
    }

    /// <summary>
    /// The wording of Azure's own network firewall: it tells the caller what happened and nothing about the rules
    /// or the address the gateway saw.
    /// </summary>
    public static GatewayError Denied { get; } = new(403, "403",
        "Traffic is not from an approved network. Access denied due to Virtual Network/Firewall rules.");

    public static GatewayError MalformedForwardedFor { get; } = new(400, "BadRequest",
        "The X-Forwarded-For header is not a list of IP addresses.");

    public static NetworkRules From(GatewayOptions options)
    {
        var perConsumer = new Dictionary<string, IpRangeSet>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, consumer) in options.Consumers)
        {
            if (consumer.AllowedIpRanges.Count > 0) perConsumer[name] = IpRangeSet.Parse(consumer.AllowedIpRanges);
        }
        // Database consumers have no entry in Consumers; their allowlist (and a configured consumer's, when its own
        // entry names none) comes from Network:Consumers, which the admin API writes.
        foreach (var (name, consumer) in options.Network.Consumers)
        {
            if (consumer.AllowedIpRanges.Count > 0) perConsumer.TryAdd(name, IpRangeSet.Parse(consumer.AllowedIpRanges));
        }
        return new NetworkRules(
            IpRangeSet.Parse(options.Network.AllowedIpRanges),
            IpRangeSet.Parse(options.Network.TrustedProxies),
            perConsumer.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <inheritdoc cref="ClientAddress.TryResolve"/>
    public bool TryResolveClient(HttpContext context, out IPAddress? client) =>
        ClientAddress.TryResolve(context.Connection.RemoteIpAddress, context.Request.Headers[ClientAddress.ForwardedForHeader], _trustedProxies, out client);

    /// <summary>The global allowlist; an unknown address (no socket, as in in-memory test servers) passes only an empty list.</summary>
    public bool Admits(IPAddress? client) => _allowed.IsEmpty || (client is not null && _allowed.Contains(client));

    /// <summary>The consumer's own allowlist, on top of the global one.</summary>
    public bool Admits(string consumer, IPAddress? client) =>
        _perConsumer.Count == 0
        || !_perConsumer.TryGetValue(consumer, out var ranges)
        || (client is not null && ranges.Contains(client));
}
