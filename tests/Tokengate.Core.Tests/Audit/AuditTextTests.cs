namespace Tokengate.Audit;

public sealed class AuditTextTests
{
    [Fact]
    public void Cap_ShortCleanText_ReturnedAsItIs()
    {
        const string text = "GET /admin/pools";
        Assert.Same(text, AuditText.Cap(text, 16));
        Assert.Null(AuditText.Cap(null, 16));
    }

    [Fact]
    public void Cap_LongText_CutWithMarkerNamingWhatWasCut() =>
        Assert.Equal("abcd…[+6]", AuditText.Cap("abcdefghij", 4));

    [Fact]
    public void Cap_ControlCharacters_Replaced() =>
        Assert.Equal("a??b?c", AuditText.Cap("a\r\nb\u0085c", 100));

    [Fact]
    public void Cap_CutInsideSurrogatePair_KeepsThePairWhole()
    {
        var text = "ab\U0001F600cd"; // a, b, high, low, c, d
        Assert.Equal("ab…[+4]", AuditText.Cap(text, 3));
        Assert.Equal("ab\U0001F600…[+2]", AuditText.Cap(text, 4));
    }
}
