namespace Tokengate.Identity;

public class DurationTextTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("12h", 43200)]
    [InlineData("30d", 2592000)]
    [InlineData("2w", 1209600)]
    public void TryParse_NumberAndUnit_Duration(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("0d")]
    [InlineData("3y")]
    [InlineData("soon")]
    public void TryParse_Malformed_False(string? text) => Assert.False(DurationText.TryParse(text, out _));

    [Fact]
    public void TryParseMoment_DurationOrTimestamp_BothRelativeToNow()
    {
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        Assert.True(DurationText.TryParseMoment("1d", now, +1, out var later));
        Assert.Equal(now.AddDays(1), later);
        Assert.True(DurationText.TryParseMoment("1h", now, -1, out var earlier));
        Assert.Equal(now.AddHours(-1), earlier);
        Assert.True(DurationText.TryParseMoment("2030-01-31T00:00:00Z", now, +1, out var fixedTime));
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 0, 0, 0, TimeSpan.Zero), fixedTime);
        Assert.False(DurationText.TryParseMoment("next tuesday", now, +1, out _));
    }
}
