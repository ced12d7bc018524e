using Tokengate.Bench.Load;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>Retry delays read the way the SDKs read them, and the backoff that uses them.</summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1500", "2", 1500)]
    [InlineData(null, "2", 2000)]
    [InlineData(null, "0.25", 250)]
    [InlineData("12.5", null, 12.5)]
    [InlineData("junk", "3", 3000)]
    [InlineData(null, "Sat, 01 Nov 2025 12:00:07 GMT", 7000)]
    [InlineData(null, "Sat, 01 Nov 2025 11:59:00 GMT", 0)]
    public void Parse_Headers_GivesDelay(string? ms, string? seconds, double expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryAfter.Parse(ms, seconds, Now));

    [Theory]
    [InlineData(null, null)]
    [InlineData("-5", "-1")]
    [InlineData("soon", "later")]
    public void Parse_NothingUsable_IsNull(string? ms, string? seconds) => Assert.Null(RetryAfter.Parse(ms, seconds, Now));

    [Fact]
    public void Parse_HugeValue_DoesNotOverflow() =>
        Assert.Equal(TimeSpan.FromDays(1), RetryAfter.Parse(null, "99999999999999999999", Now));

    [Fact]
    public void Delay_HonoursServerUpToAMinuteThenBacksOffAndStops()
    {
        var backoff = new ExponentialBackoff(new Random(3));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), backoff.Delay(1, TimeSpan.FromMilliseconds(1500)));
        Assert.InRange(backoff.Delay(1, TimeSpan.FromMinutes(5))!.Value, TimeSpan.FromMilliseconds(375), TimeSpan.FromMilliseconds(625));
        Assert.InRange(backoff.Delay(5, null)!.Value, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10));
        Assert.Null(backoff.Delay(ExponentialBackoff.MaxRetries + 1, TimeSpan.FromSeconds(1)));
    }
}
