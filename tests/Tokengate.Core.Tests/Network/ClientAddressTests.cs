using System.Net;
using Microsoft.Extensions.Primitives;

namespace Tokengate.Network;

public sealed class ClientAddressTests
{
    private static readonly IpRangeSet Proxies = IpRangeSet.Parse(["10.0.0.0/8", "fd00::/8"]);

    private static IPAddress? Resolve(string peer, params string[] forwardedFor)
    {
        Assert.True(ClientAddress.TryResolve(IPAddress.Parse(peer), new StringValues(forwardedFor), Proxies, out var client));
        return client;
    }

    [Fact]
    public void TryResolve_UntrustedPeer_IgnoresForwardedFor()
    {
        Assert.Equal(IPAddress.Parse("198.51.100.7"), Resolve("198.51.100.7", "203.0.113.1"));
    }

    [Fact]
    public void TryResolve_TrustedPeer_TakesRightMostUntrustedAddress()
    {
        // The client wrote 1.1.1.1 itself; 203.0.113.9 is what the first trusted proxy saw.
        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolve("10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2"));
    }

    [Fact]
    public void TryResolve_SeveralHeaderLines_AreOneListInOrder()
    {
        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolve("10.0.0.1", "1.1.1.1, 203.0.113.9", "10.0.0.2,10.0.0.3"));
    }

    [Fact]
    public void TryResolve_EntriesWithPortsAndIpv6_AreParsed()
    {
        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolve("10.0.0.1", "203.0.113.9:5100"));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Resolve("10.0.0.1", "[2001:db8::1]:443"));
        Assert.Equal(IPAddress.Parse("2001:db8::2"), Resolve("fd00::1", "2001:db8::2"));
    }

    [Fact]
    public void TryResolve_OnlyTrustedHops_LeftMostIsTheClient()
    {
        Assert.Equal(IPAddress.Parse("10.1.1.1"), Resolve("10.0.0.1", "10.1.1.1, 10.0.0.2"));
    }

    [Fact]
    public void TryResolve_TrustedPeerWithoutHeader_IsTheClient()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), Resolve("10.0.0.1"));
    }

    [Fact]
    public void TryResolve_Ipv4MappedPeer_IsNormalizedToIpv4()
    {
        Assert.Equal(IPAddress.Parse("10.0.0.1"), Resolve("::ffff:10.0.0.1"));
        Assert.Equal(IPAddress.Parse("203.0.113.9"), Resolve("::ffff:10.0.0.1", "::ffff:203.0.113.9"));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("203.0.113.9,,10.0.0.2")]
    [InlineData("203.0.113.9, not-an-ip")]
    [InlineData("")]
    [InlineData("999.1.1.1")]
    public void TryResolve_MalformedHeaderFromTrustedProxy_Fails(string header)
    {
        Assert.False(ClientAddress.TryResolve(IPAddress.Parse("10.0.0.1"), header, Proxies, out var client));
        Assert.Null(client);
    }

    [Fact]
    public void TryResolve_MalformedHeaderFromUntrustedPeer_IsIgnored()
    {
        Assert.True(ClientAddress.TryResolve(IPAddress.Parse("198.51.100.7"), "garbage", Proxies, out var client));
        Assert.Equal(IPAddress.Parse("198.51.100.7"), client);
    }

    [Fact]
    public void TryResolve_NoTrustedProxies_PeerEvenWhenHeaderPresent()
    {
        Assert.True(ClientAddress.TryResolve(IPAddress.Parse("10.0.0.1"), "203.0.113.9", IpRangeSet.Empty, out var client));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), client);
    }
}
