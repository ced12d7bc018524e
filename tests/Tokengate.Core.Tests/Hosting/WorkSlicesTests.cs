using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Hosting;

public sealed class WorkSlicesTests
{
    private readonly FakeTimeProvider _time = new();
    private int _yields;
    private bool _urgent;

    private WorkSlices Slices() => new(TimeSpan.FromMilliseconds(0.25), () => _urgent, _time, () => _yields++);

    [Fact]
    public void Between_BeforeTheSliceHasRun_DoesNotYield()
    {
        var slices = Slices();
        _time.Advance(TimeSpan.FromMilliseconds(0.2));

        slices.Between();

        Assert.Equal(0, _yields);
    }

    [Fact]
    public void Between_AfterTheSlice_YieldsOnceAndStartsTheNextSlice()
    {
        var slices = Slices();
        _time.Advance(TimeSpan.FromMilliseconds(0.25));

        slices.Between();
        slices.Between();
        _time.Advance(TimeSpan.FromMilliseconds(0.2));
        slices.Between();

        Assert.Equal(1, _yields);
        _time.Advance(TimeSpan.FromMilliseconds(0.05));
        slices.Between();
        Assert.Equal(2, _yields);
    }

    [Fact]
    public void Between_WhileUrgent_NeverYields_AndYieldsAgainOnceItIsNot()
    {
        var slices = Slices();
        _urgent = true;
        _time.Advance(TimeSpan.FromMilliseconds(5));

        slices.Between();
        Assert.Equal(0, _yields);

        _urgent = false;
        slices.Between();
        Assert.Equal(1, _yields);
    }

    [Fact]
    public void Begin_StartsTheSliceAfresh()
    {
        var slices = Slices();
        _time.Advance(TimeSpan.FromMilliseconds(1)); // waiting for work is not work

        slices.Begin();
        slices.Between();

        Assert.Equal(0, _yields);
    }
}
