using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Identity;

public class AuthFailureThrottleTests
{
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.20");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));

    private AuthFailureThrottle Create(int limit = 10, int maxTracked = 100) =>
        new(Options.Create(new AuthFailureOptions { Limit = limit, Window = TimeSpan.FromMinutes(1), MaxTrackedAddresses = maxTracked }), _time);

    [Fact]
    public void IsBlocked_AfterLimitFailures_BlocksThatAddressOnlyForTheRestOfTheWindow()
    {
        var throttle = Create();
        for (var i = 0; i < 9; i++) throttle.RecordFailure(A);
        Assert.False(throttle.IsBlocked(A, out _));

        _time.Advance(TimeSpan.FromSeconds(20));
        throttle.RecordFailure(A); // the 10th failure, 20 s into the window that began with the first
        Assert.True(throttle.IsBlocked(A, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        Assert.False(throttle.IsBlocked(B, out _));

        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.False(throttle.IsBlocked(A, out _));
    }

    [Fact]
    public void IsBlocked_TwoAddresses_CountedSeparately()
    {
        var throttle = Create(limit: 3);
        for (var i = 0; i < 3; i++) throttle.RecordFailure(A);
        for (var i = 0; i < 2; i++) throttle.RecordFailure(B);

        Assert.True(throttle.IsBlocked(A, out _));
        Assert.False(throttle.IsBlocked(B, out _));
        throttle.RecordFailure(B);
        Assert.True(throttle.IsBlocked(B, out _));
    }

    [Fact]
    public void RecordFailure_AfterWindowEnds_StartsANewCount()
    {
        var throttle = Create(limit: 2);
        throttle.RecordFailure(A);
        _time.Advance(TimeSpan.FromMinutes(1));
        throttle.RecordFailure(A);
        Assert.False(throttle.IsBlocked(A, out _));
    }

    [Fact]
    public void RecordFailure_IPv4MappedAddress_SameBucketAsIPv4()
    {
        var throttle = Create(limit: 2);
        throttle.RecordFailure(A);
        throttle.RecordFailure(A.MapToIPv6());
        Assert.True(throttle.IsBlocked(A, out _));
    }

    [Fact]
    public void RecordFailure_TableFull_DropsEndedWindowsAndStaysBounded()
    {
        var throttle = Create(limit: 1, maxTracked: 100);
        for (var i = 0; i < 100; i++) throttle.RecordFailure(new IPAddress([10, 0, 0, (byte)i]));
        throttle.RecordFailure(A); // full, nothing ended: not tracked
        Assert.Equal(100, throttle.TrackedAddresses);
        Assert.False(throttle.IsBlocked(A, out _));

        _time.Advance(TimeSpan.FromMinutes(2));
        throttle.RecordFailure(A); // the ended windows are swept to make room
        Assert.Equal(1, throttle.TrackedAddresses);
        Assert.True(throttle.IsBlocked(A, out _));
    }
}
