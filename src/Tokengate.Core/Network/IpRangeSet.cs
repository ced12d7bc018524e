using System.Net;
using System.Net.Sockets;

namespace Tokengate.Network;

/// <summary>CIDR ranges parsed once per configuration snapshot, so the request path only compares bits.</summary>
internal sealed class IpRangeSet
{
    private readonly IPNetwork[] _ranges;

    private IpRangeSet(IPNetwork[] ranges) => _ranges = ranges;

    public static IpRangeSet Empty { get; } = new([]);

    public bool IsEmpty => _ranges.Length == 0;

    public bool Contains(IPAddress address)
    {
        foreach (var range in _ranges)
        {
            if (range.Contains(address)) return true;
        }
        return false;
    }

    /// <summary>Parses ranges the validator has accepted.</summary>
    /// <exception cref="FormatException">An entry is not a range; the validator reports these by path first.</exception>
    public static IpRangeSet Parse(IReadOnlyList<string> ranges)
    {
        if (ranges.Count == 0) return Empty;
        var parsed = new IPNetwork[ranges.Count];
        for (var i = 0; i < parsed.Length; i++)
        {
            if (!TryParseRange(ranges[i], out parsed[i])) throw new FormatException($"'{ranges[i]}' is not a CIDR range.");
        }
        return new IpRangeSet(parsed);
    }

    /// <summary>
    /// <c>10.0.0.0/8</c> or <c>2001:db8::/32</c> with no bits set past the prefix, or one address (a /32 or /128).
    /// </summary>
    public static bool TryParseRange(string? text, out IPNetwork range)
    {
        range = default;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty) return false;
        var slash = span.IndexOf('/');
        if (slash >= 0)
        {
            // 10.0.0.1/8 is refused rather than masked: it is more often a typo for /32 than a meant /8.
            return IPNetwork.TryParse(span, out range)
                && IPAddress.TryParse(span[..slash], out var written)
                && written.Equals(range.BaseAddress);
        }
        if (!IPAddress.TryParse(span, out var address)) return false;
        range = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <summary>IPv4 peers of a dual-stack listener arrive as <c>::ffff:a.b.c.d</c>; ranges are written as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
