using System.Globalization;
using System.Net.Http.Headers;

namespace Tokengate.Proxy;

public class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 10, 0, 0, TimeSpan.Zero);

    private static TimeSpan? From(params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage();
        foreach (var (name, value) in headers) Assert.True(message.Headers.TryAddWithoutValidation(name, value));
        return RetryAfter.From(message.Headers, Now);
    }

    private static double? Utilization(string value)
    {
        using var message = new HttpResponseMessage();
        message.Headers.TryAddWithoutValidation("azure-openai-deployment-utilization", value);
        return RetryAfter.Utilization(message.Headers);
    }

    [Fact]
    public void From_NoHeaders_Null()
    {
        Assert.Null(From());
    }

    [Fact]
    public void From_RetryAfterMsInteger_Milliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), From(("retry-after-ms", "1500")));
    }

    [Fact]
    public void From_RetryAfterMsFractional_Milliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250.5), From(("retry-after-ms", "250.5")));
    }

    [Fact]
    public void From_RetryAfterMsAndRetryAfter_MillisecondsWin()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(800), From(("retry-after", "30"), ("retry-after-ms", "800")));
    }

    [Fact]
    public void From_RetryAfterMsAndAzureMs_RetryAfterMsWins()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), From(("x-ms-retry-after-ms", "900"), ("retry-after-ms", "100")));
    }

    [Fact]
    public void From_XMsRetryAfterMs_Milliseconds()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2500), From(("x-ms-retry-after-ms", "2500")));
    }

    [Fact]
    public void From_XMsRetryAfterMsAndRetryAfter_MillisecondsWin()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2500), From(("retry-after", "9"), ("x-ms-retry-after-ms", "2500")));
    }

    [Fact]
    public void From_RetryAfterSeconds_Seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(12), From(("retry-after", "12")));
    }

    [Fact]
    public void From_RetryAfterZero_Zero()
    {
        Assert.Equal(TimeSpan.Zero, From(("retry-after", "0")));
    }

    [Fact]
    public void From_RetryAfterHttpDate_DifferenceFromNow()
    {
        var date = Now.AddSeconds(42).ToString("r", CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromSeconds(42), From(("retry-after", date)));
    }

    [Fact]
    public void From_RetryAfterHttpDateInThePast_Zero()
    {
        Assert.Equal(TimeSpan.Zero, From(("retry-after", "Tue, 04 Mar 2025 09:59:00 GMT")));
    }

    [Fact]
    public void From_RetryAfterLiteralHttpDate_Parsed()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), From(("retry-after", "Tue, 04 Mar 2025 10:02:00 GMT")));
    }

    [Fact]
    public void From_RetryAfterMsAndRetryAfterDate_MillisecondsWin()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(10), From(("retry-after", "Tue, 04 Mar 2025 10:02:00 GMT"), ("retry-after-ms", "10")));
    }

    [Theory]
    [InlineData("20ms", 20)]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    public void From_RateLimitResetRequests_Duration(string value, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), From(("x-ratelimit-reset-requests", value)));
    }

    [Fact]
    public void From_RateLimitResetTokens_Duration()
    {
        Assert.Equal(TimeSpan.FromSeconds(6), From(("x-ratelimit-reset-tokens", "6s")));
    }

    [Theory]
    [InlineData("1s", "6m0s", 360_000)]
    [InlineData("6m0s", "1s", 360_000)]
    [InlineData("20ms", "garbage", 20)]
    [InlineData("garbage", "20ms", 20)]
    public void From_BothResetHeaders_TheLonger(string requests, string tokens, double expectedMs)
    {
        Assert.Equal(
            TimeSpan.FromMilliseconds(expectedMs),
            From(("x-ratelimit-reset-requests", requests), ("x-ratelimit-reset-tokens", tokens)));
    }

    [Fact]
    public void From_RetryAfterAndResetHeaders_RetryAfterWins()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), From(("x-ratelimit-reset-requests", "1m"), ("retry-after", "2")));
    }

    [Theory]
    [InlineData("retry-after-ms", "soon")]
    [InlineData("retry-after-ms", "-5")]
    [InlineData("x-ms-retry-after-ms", "abc")]
    [InlineData("retry-after", "later")]
    [InlineData("retry-after", "-3")]
    [InlineData("retry-after", "Tuesday at noon")]
    [InlineData("x-ratelimit-reset-requests", "5")]
    [InlineData("x-ratelimit-reset-tokens", "1x")]
    [InlineData("x-ratelimit-reset-tokens", "")]
    public void From_Garbage_Null(string name, string value)
    {
        Assert.Null(From((name, value)));
    }

    [Fact]
    public void From_GarbageMillisecondsButValidRetryAfter_FallsThrough()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), From(("retry-after-ms", "nope"), ("retry-after", "3")));
    }

    [Fact]
    public void From_OutOfRangeValue_ReturnsInsteadOfThrowing()
    {
        (string Name, string Value)[] cases =
        [
            ("retry-after-ms", "Infinity"),
            ("retry-after-ms", "1e300"),
            ("x-ms-retry-after-ms", "1e300"),
            ("retry-after", "1e300"),
            ("x-ratelimit-reset-requests", "99999999999999999999h"),
        ];

        foreach (var header in cases)
        {
            var exception = Record.Exception(() => From(header));
            Assert.Null(exception);
        }
    }

    [Theory]
    [InlineData("0s", 0)]
    [InlineData("0.5s", 500)]
    [InlineData("1.5ms", 1.5)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("  3s  ", 3000)]
    [InlineData("1m1ms", 60_001)]
    [InlineData("1s1s", 2000)]
    public void TryParseDuration_Valid_Parsed(string text, double expectedMs)
    {
        Assert.True(RetryAfter.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("ms")]
    [InlineData("-1s")]
    [InlineData("1.2.3s")]
    [InlineData("1d")]
    [InlineData("1 s")]
    [InlineData("1s2")]
    [InlineData("1e3s")]
    [InlineData("1h 2m")]
    public void TryParseDuration_Invalid_False(string text)
    {
        Assert.False(RetryAfter.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData("42.7%", 42.7)]
    [InlineData("42.7", 42.7)]
    [InlineData(" 100% ", 100)]
    [InlineData("0%", 0)]
    public void Utilization_Number_Parsed(string value, double expected)
    {
        Assert.Equal(expected, Utilization(value));
    }

    [Theory]
    [InlineData("high")]
    [InlineData("%")]
    [InlineData("")]
    public void Utilization_Garbage_Null(string value)
    {
        Assert.Null(Utilization(value));
    }

    [Fact]
    public void Utilization_NoHeader_Null()
    {
        using var message = new HttpResponseMessage();

        Assert.Null(RetryAfter.Utilization(message.Headers));
    }
}
