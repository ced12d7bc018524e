namespace Tokengate.Identity;

public class KeyHashTests
{
    // SHA-256("abc"), a published test vector.
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Format_KnownVector_PrefixAndLowerCaseHex()
    {
        Assert.Equal("sha256:" + AbcHex, KeyHash.Format("abc"));
    }

    [Fact]
    public void ComputeHex_KnownVector_UpperCaseHex()
    {
        var hex = new char[64];

        KeyHash.ComputeHex("abc", hex);

        Assert.Equal(AbcHex.ToUpperInvariant(), new string(hex));
    }

    [Fact]
    public void ComputeHex_LongNonAsciiKey_HashesUtf8()
    {
        var key = new string('é', 300);
        var hex = new char[64];

        KeyHash.ComputeHex(key, hex);

        var expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        Assert.Equal(expected, new string(hex));
    }

    [Theory]
    [InlineData("sha256:" + AbcHex)]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("sha256:Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD")]
    [InlineData("SHA256:" + AbcHex)]
    public void TryParse_UpperOrLowerHex_UpperCaseLookupForm(string value)
    {
        Assert.True(KeyHash.TryParse(value, out var hex));
        Assert.Equal(AbcHex.ToUpperInvariant(), hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:")]
    [InlineData(AbcHex)]
    [InlineData("sha256:" + AbcHex + "0")]
    [InlineData("sha256:" + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("sha1:" + AbcHex)]
    [InlineData("sha-256:" + AbcHex)]
    [InlineData(" sha256:" + AbcHex)]
    [InlineData("sha256: " + "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    [InlineData("sha256:ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public void TryParse_WrongLengthPrefixOrDigits_False(string value)
    {
        Assert.False(KeyHash.TryParse(value, out var hex));
        Assert.Equal("", hex);
    }
}
