namespace Tokengate.Hosting;

public sealed class RecordIdsTests
{
    [Fact]
    public void NewVersion7_AnInstant_Version7WithItsMillisecondsInTheFirst48Bits()
    {
        var at = new DateTimeOffset(2026, 12, 5, 7, 30, 15, 123, TimeSpan.Zero);

        var id = RecordIds.NewVersion7(at);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        // The same 48 timestamp bits the runtime's own version 7 UUID carries for that instant.
        Assert.Equal(Guid.CreateVersion7(at).ToString("N")[..12], id.ToString("N")[..12]);
        Assert.Equal(at.ToUnixTimeMilliseconds(), Convert.ToInt64(id.ToString("N")[..12], 16));
    }

    [Fact]
    public void NewVersion7_SameMillisecond_AllDifferAndALaterOneSortsAfter()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_000);
        var same = Enumerable.Range(0, 100_000).Select(_ => RecordIds.NewVersion7(at)).ToHashSet();
        var later = RecordIds.NewVersion7(at.AddMilliseconds(1));

        Assert.Equal(100_000, same.Count);
        Assert.All(same, id => Assert.True(string.CompareOrdinal(id.ToString("N"), later.ToString("N")) < 0));
    }
}
