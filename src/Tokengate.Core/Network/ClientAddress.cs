using System.Net;
using Microsoft.Extensions.Primitives;

namespace Tokengate.Network;

/// <summary>
/// Who the client is: the direct peer, unless the peer is a trusted proxy, in which case the right-most address of
/// <c>X-Forwarded-For</c> that is not itself a trusted proxy. Entries left of that one were written by the client
/// (or by proxies the gateway does not trust) and could be forged, so they are never used.
/// </summary>
internal static class ClientAddress
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    /// <summary>False when a trusted proxy sent an <c>X-Forwarded-For</c> entry that is not an address.</summary>
    public static bool TryResolve(IPAddress? peer, StringValues forwardedFor, IpRangeSet trustedProxies, out IPAddress? client)
    {
        client = peer is null ? null : IpRangeSet.Normalize(peer);
        if (client is null || trustedProxies.IsEmpty || !trustedProxies.Contains(client)) return true;

        // Several header lines are one list in order; walk it from the right without splitting strings.
        for (var line = forwardedFor.Count - 1; line >= 0; line--)
        {
            var rest = forwardedFor[line].AsSpan();
            while (true)
            {
                var comma = rest.LastIndexOf(',');
                if (!TryParseEntry(rest[(comma + 1)..], out var address))
                {
                    client = null;
                    return false;
                }
                client = address;
                if (!trustedProxies.Contains(address)) return true;
                if (comma < 0) break;
                rest = rest[..comma];
            }
        }

        // Every hop was a trusted proxy (or there was no header): the left-most known address is the client.
        return true;
    }

    /// <summary>An address, optionally with a port (<c>203.0.113.7:5100</c>, <c>[2001:db8::1]:443</c>).</summary>
    private static bool TryParseEntry(ReadOnlySpan<char> entry, out IPAddress address)
    {
        address = IPAddress.None;
        entry = entry.Trim();
        if (entry.IsEmpty || !IPEndPoint.TryParse(entry, out var endPoint)) return false;
        address = IpRangeSet.Normalize(endPoint.Address);
        return true;
    }
}
