namespace Tokengate.Limits;

/// <summary>Which slots a window's totals hold: the 60 seconds up to the caller's, and any later second already charged.</summary>
public sealed class SlidingWindowCounterTests
{
    private const long Now = 1_764_925_200;

    [Fact]
    public void Totals_ASlotOfALaterSecond_Counts()
    {
        // A thread that read the clock a moment after the caller has charged the next second: that is usage in the
        // window, and a limit checked without it lets a burst across the boundary through.
        var counter = new SlidingWindowCounter(stripes: 2);
        counter.Add(0, Now + 1, 900, 1);
        counter.Add(1, Now, 200, 1);

        Assert.Equal((1100L, 2L), counter.Totals(Now));
    }

    [Fact]
    public void Totals_TheSixtySecondsUpToTheCaller_AndNoOlder()
    {
        var counter = new SlidingWindowCounter();
        counter.Add(0, Now - 60, 7, 1);
        counter.Add(0, Now - 59, 30, 1);
        counter.Add(0, Now, 5, 1);

        Assert.Equal((35L, 2L), counter.Totals(Now));
    }
}
