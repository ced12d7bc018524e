using Tokengate.Bench.Load;

namespace Tokengate.IntegrationTests.Bench;

/// <summary>The open loop's sleep between starts: a timer cannot wait less than a millisecond.</summary>
public sealed class LoadPacingTests
{
    [Theory]
    [InlineData(0.0, 1.0)]     // due now: the loop still sleeps, and then starts everything due
    [InlineData(0.05, 1.0)]    // 20,000 a second: one wake-up starts about 20
    [InlineData(0.999, 1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(16.7, 16.7)]   // 60 a second: the wait as it is
    public void PacingWait_UntilNextStart_AtLeastAMillisecond(double untilNextMs, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LoadRunner.PacingWait(TimeSpan.FromMilliseconds(untilNextMs)));
    }
}
