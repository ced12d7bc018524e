using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Encryption;

public sealed class DataKeyCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryGet_PastCapacity_LeastRecentlyUsedIsGone()
    {
        var cache = new DataKeyCache(2, TimeSpan.FromMinutes(1), _time);
        cache.Add("a", [1], cache.Epoch);
        cache.Add("b", [2], cache.Epoch);
        Assert.NotNull(cache.TryGet("a"));  // b is now the least recently used
        cache.Add("c", [3], cache.Epoch);

        Assert.Null(cache.TryGet("b"));
        Assert.Equal([1], cache.TryGet("a"));
        Assert.Equal([3], cache.TryGet("c"));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void TryGet_AfterLifetime_Null()
    {
        var cache = new DataKeyCache(10, TimeSpan.FromMinutes(1), _time);
        cache.Add("a", [1], cache.Epoch);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(cache.TryGet("a"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.TryGet("a"));
    }

    [Fact]
    public void Add_ReadStartedBeforeAShred_IsNotKept()
    {
        var cache = new DataKeyCache(10, TimeSpan.FromMinutes(1), _time);
        var epoch = cache.Epoch;   // a read begins
        cache.Evict("a");          // the key is shredded meanwhile
        cache.Add("a", [1], epoch);

        Assert.Null(cache.TryGet("a"));
    }

    [Fact]
    public void TryGet_ReturnsACopy()
    {
        var cache = new DataKeyCache(10, TimeSpan.FromMinutes(1), _time);
        cache.Add("a", [1, 2], cache.Epoch);
        cache.TryGet("a")![0] = 9;

        Assert.Equal([1, 2], cache.TryGet("a"));
    }

    [Fact]
    public void Add_SizeZero_KeepsNothing()
    {
        var cache = new DataKeyCache(0, TimeSpan.FromMinutes(1), _time);
        cache.Add("a", [1], cache.Epoch);
        Assert.Null(cache.TryGet("a"));
    }
}
