namespace Tokengate.Realtime;

public sealed class RealtimeOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new RealtimeOptionsValidator().Validate(null, new RealtimeOptions()).Succeeded);

    [Theory]
    [InlineData("00:00:00.010")]
    [InlineData("00:00:02")]
    public void Validate_RevocationCheckIntervalOutOfRange_NamesThePath(string value)
    {
        var result = new RealtimeOptionsValidator().Validate(null, new RealtimeOptions { RevocationCheckInterval = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Tokengate:Realtime:RevocationCheckInterval:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(int.MaxValue)]
    public void Validate_MaxEventBytesOutOfRange_NamesThePath(int value)
    {
        var result = new RealtimeOptionsValidator().Validate(null, new RealtimeOptions { MaxEventBytes = value });

        Assert.True(result.Failed);
        Assert.Contains("Tokengate:Realtime:MaxEventBytes:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownClientSecretsPolicy_NamesThePath()
    {
        var result = new RealtimeOptionsValidator().Validate(null, new RealtimeOptions { ClientSecrets = (ClientSecretsPolicy)7 });

        Assert.True(result.Failed);
        Assert.Contains("Tokengate:Realtime:ClientSecrets:", result.FailureMessage, StringComparison.Ordinal);
    }
}
