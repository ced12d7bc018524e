using System.Net;

namespace Tokengate.Network;

public sealed class IpRangeSetTests
{
    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("2001:db8::/32")]
    [InlineData(" 192.168.1.0/24 ")]
    [InlineData("203.0.113.7")]
    [InlineData("::1")]
    public void TryParseRange_ValidRange_Succeeds(string text) => Assert.True(IpRangeSet.TryParseRange(text, out _));

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0/")]
    [InlineData("not-an-ip/8")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("10.0.0.0/-1")]
    public void TryParseRange_MalformedRange_Fails(string? text) => Assert.False(IpRangeSet.TryParseRange(text, out _));

    [Fact]
    public void Contains_AddressesInAndOutOfRanges_AnswersByPrefix()
    {
        var set = IpRangeSet.Parse(["10.0.0.0/8", "2001:db8::/32", "203.0.113.7"]);

        Assert.True(set.Contains(IPAddress.Parse("10.255.0.1")));
        Assert.True(set.Contains(IPAddress.Parse("2001:db8:1::5")));
        Assert.True(set.Contains(IPAddress.Parse("203.0.113.7")));
        Assert.False(set.Contains(IPAddress.Parse("203.0.113.8")));
        Assert.False(set.Contains(IPAddress.Parse("11.0.0.1")));
        Assert.False(set.Contains(IPAddress.Parse("2001:db9::1")));
    }

    [Fact]
    public void Parse_MalformedRange_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => IpRangeSet.Parse(["10.0.0.0/99"]));
}
