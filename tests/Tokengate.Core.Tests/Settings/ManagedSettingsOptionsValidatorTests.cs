using Tokengate.Settings;

namespace Tokengate.Core.Tests.Settings;

public sealed class ManagedSettingsOptionsValidatorTests
{
    [Theory]
    [InlineData("00:00:05", true)]
    [InlineData("00:00:01", true)]
    [InlineData("01:00:00", true)]
    [InlineData("00:00:00.500", false)]
    [InlineData("01:00:01", false)]
    public void Validate_PollInterval_AcceptedWithinOneSecondToOneHour(string interval, bool valid)
    {
        var result = new ManagedSettingsOptionsValidator().Validate(null, new ManagedSettingsOptions { PollInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Contains("Tokengate:Settings:PollInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_PollInterval_FiveSeconds() => Assert.Equal(TimeSpan.FromSeconds(5), new ManagedSettingsOptions().PollInterval);
}
