using Tokengate.Identity;

namespace Tokengate.Core.Tests.Identity;

public sealed class KeyStoreOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.True(new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("8.00:00:00")]
    public void Validate_MaxStalenessOutOfRange_NamesThePath(string value)
    {
        var result = new KeyStoreOptionsValidator().Validate(null, new KeyStoreOptions { MaxStaleness = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(result.Failed);
        Assert.Contains("Tokengate:KeyStore:MaxStaleness:", result.FailureMessage, StringComparison.Ordinal);
    }
}
