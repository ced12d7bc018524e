using Microsoft.AspNetCore.Http;
using Tokengate.OperatorConsole;

namespace Tokengate.Core.Tests.OperatorConsole;

public sealed class CsrfCheckTests
{
    private const string Token = "yCq0Y1dkp0lYtkIk5Kx1C6yq8V8b7mNnM1o2p3q4r5s";

    [Fact]
    public void TokensEqual_Same_True() => Assert.True(CsrfCheck.TokensEqual(Token, new string(Token.ToCharArray())));

    [Theory]
    [InlineData("yCq0Y1dkp0lYtkIk5Kx1C6yq8V8b7mNnM1o2p3q4r5t")]
    [InlineData("yCq0Y1dkp0lYtkIk5Kx1C6yq8V8b7mNnM1o2p3q4r5")]
    [InlineData("")]
    [InlineData(null)]
    public void TokensEqual_DifferentOrMissing_False(string? presented) => Assert.False(CsrfCheck.TokensEqual(Token, presented));

    [Fact]
    public void TokensEqual_NoSessionToken_False() => Assert.False(CsrfCheck.TokensEqual(null, Token));

    [Fact]
    public void NewToken_Twice_Distinct256BitBase64Url()
    {
        var a = CsrfCheck.NewToken();
        var b = CsrfCheck.NewToken();
        Assert.NotEqual(a, b);
        Assert.Equal(43, a.Length);
        Assert.All(a, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http", "127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.1:5080/console/page?x=1", "http", "127.0.0.1:5080", true)]
    [InlineData("https://gw.example", "https", "gw.example", true)]
    [InlineData("https://gw.example:443", "https", "gw.example", true)]
    [InlineData("https://GW.example", "https", "gw.example:443", true)]
    [InlineData("http://127.0.0.1:5081", "http", "127.0.0.1:5080", false)]
    [InlineData("https://127.0.0.1:5080", "http", "127.0.0.1:5080", false)]
    [InlineData("https://gw.example.evil.com", "https", "gw.example", false)]
    [InlineData("null", "https", "gw.example", false)]
    [InlineData("", "https", "gw.example", false)]
    [InlineData("gw.example", "https", "gw.example", false)]
    public void IsSameOrigin_Cases_Expected(string url, string scheme, string host, bool expected) =>
        Assert.Equal(expected, CsrfCheck.IsSameOrigin(url, scheme, new HostString(host)));

    [Fact]
    public void Check_NoHeader_TokenMissing() => Assert.Equal(CsrfCheck.TokenMissing, CsrfCheck.Check(Request().Request, Token));

    [Fact]
    public void Check_WrongToken_TokenWrong() =>
        Assert.Equal(CsrfCheck.TokenWrong, CsrfCheck.Check(Request((CsrfCheck.HeaderName, "nope")).Request, Token));

    [Fact]
    public void Check_RightTokenNoOrigin_Passes() => Assert.Null(CsrfCheck.Check(Request((CsrfCheck.HeaderName, Token)).Request, Token));

    [Fact]
    public void Check_RightTokenOwnOrigin_Passes() =>
        Assert.Null(CsrfCheck.Check(Request((CsrfCheck.HeaderName, Token), ("Origin", "https://gw.example")).Request, Token));

    [Fact]
    public void Check_RightTokenForeignOrigin_CrossOrigin() =>
        Assert.Equal(CsrfCheck.CrossOrigin, CsrfCheck.Check(Request((CsrfCheck.HeaderName, Token), ("Origin", "https://evil.example")).Request, Token));

    [Fact]
    public void Check_ForeignRefererWithoutOrigin_CrossOrigin() =>
        Assert.Equal(CsrfCheck.CrossOrigin, CsrfCheck.Check(Request((CsrfCheck.HeaderName, Token), ("Referer", "https://evil.example/page")).Request, Token));

    [Fact]
    public void Check_OwnOriginWinsOverForeignReferer_Passes() =>
        Assert.Null(CsrfCheck.Check(Request((CsrfCheck.HeaderName, Token), ("Origin", "https://gw.example"), ("Referer", "https://evil.example/")).Request, Token));

    [Fact]
    public void OriginProblem_NoHeaders_None() => Assert.Null(CsrfCheck.OriginProblem(Request().Request));

    private static DefaultHttpContext Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("gw.example");
        context.Request.Method = "POST";
        foreach (var (name, value) in headers) context.Request.Headers[name] = value;
        return context;
    }
}
