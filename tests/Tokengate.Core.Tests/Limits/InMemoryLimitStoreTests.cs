using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Limits;

public sealed class InMemoryLimitStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private static readonly LimitScope Consumer = new("consumer:a", "consumer 'a'", 1000, 10, 2);
    private static readonly LimitScope Group = new("group:g", "group 'g'", 1500, null, null);

    [Fact]
    public async Task TryReserve_GroupFull_NothingChargedToTheConsumer()
    {
        var store = new InMemoryLimitStore(_time);
        Assert.True((await store.TryReserveAsync([Group], 1400, default)).Admitted);

        var refused = await store.TryReserveAsync([Consumer, Group], 200, default);
        Assert.False(refused.Admitted);
        Assert.Same(Group, refused.Refused);
        Assert.Equal(LimitKind.TokensPerMinute, refused.RefusedKind);

        // All or nothing: the consumer's counters did not move, so its full limit is still there.
        var ok = await store.TryReserveAsync([Consumer], 1000, default);
        Assert.True(ok.Admitted);
        Assert.Equal(0, ok.RemainingTokens);
    }

    [Fact]
    public async Task TryReserve_OverTpm_RetryAfterIsWhenTheOldSlotLeavesTheWindow()
    {
        var store = new InMemoryLimitStore(_time);
        var first = (await store.TryReserveAsync([Consumer], 600, default)).Reservation!;
        _time.Advance(TimeSpan.FromSeconds(20.5));
        Assert.True((await store.TryReserveAsync([Consumer], 300, default)).Admitted);
        await store.SettleAsync(first, 600, default);

        var refused = await store.TryReserveAsync([Consumer], 500, default);
        Assert.Equal(TimeSpan.FromSeconds(39.5), refused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(39.5));
        Assert.True((await store.TryReserveAsync([Consumer], 500, default)).Admitted);
    }

    [Fact]
    public async Task Settle_BelowTheEstimate_ReturnsTheDifference_AndEndsTheConcurrencyHold()
    {
        var store = new InMemoryLimitStore(_time);
        var a = (await store.TryReserveAsync([Consumer], 900, default)).Reservation!;
        await store.SettleAsync(a, 100, default);
        var b = await store.TryReserveAsync([Consumer], 900, default);
        Assert.True(b.Admitted);
        Assert.Equal(0, b.RemainingTokens);
        Assert.Equal(8, b.RemainingRequests);
    }

    [Fact]
    public async Task Concurrency_HeldUntilReleased_AndReleaseReturnsTokensAndTheRequest()
    {
        var store = new InMemoryLimitStore(_time);
        var a = (await store.TryReserveAsync([Consumer], 10, default)).Reservation!;
        Assert.True((await store.TryReserveAsync([Consumer], 10, default)).Admitted);
        var third = await store.TryReserveAsync([Consumer], 10, default);
        Assert.Equal(LimitKind.ConcurrentRequests, third.RefusedKind);

        await store.ReleaseAsync(a, default);
        var fourth = await store.TryReserveAsync([Consumer], 10, default);
        Assert.True(fourth.Admitted);
        Assert.Equal(1000 - 20, fourth.RemainingTokens);
        Assert.Equal(10 - 2, fourth.RemainingRequests);
    }

    [Fact]
    public async Task TryReserve_EstimateAboveTheLimit_RefusedWithoutARetryTime()
    {
        var refused = await new InMemoryLimitStore(_time).TryReserveAsync([Consumer], 1001, default);
        Assert.False(refused.Admitted);
        Assert.Null(refused.RetryAfter);
    }
}
