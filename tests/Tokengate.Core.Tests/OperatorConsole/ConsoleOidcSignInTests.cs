using Tokengate.OperatorConsole;

namespace Tokengate.Core.Tests.OperatorConsole;

public sealed class ConsoleOidcSignInTests
{
    [Fact]
    public void Challenge_Rfc7636Example_MatchesS256()
    {
        // RFC 7636, appendix B.
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", ConsoleOidcSignIn.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    [Theory]
    [InlineData("/console", "/console")]
    [InlineData("/console/keys?tab=2", "/console/keys?tab=2")]
    [InlineData("/", "/")]
    [InlineData("//evil.example/", "/console")]
    [InlineData("/\\evil.example/", "/console")]
    [InlineData("https://evil.example/", "/console")]
    [InlineData("", "/console")]
    [InlineData(null, "/console")]
    public void LocalReturnUrl_Cases_OnlyLocalPaths(string? url, string expected) => Assert.Equal(expected, ConsoleOidcSignIn.LocalReturnUrl(url));
}
