using Microsoft.Extensions.Time.Testing;
using Tokengate.Limits;

namespace Tokengate.IntegrationTests.Limits;

/// <summary>
/// What every <see cref="ILimitStore"/> promises, run against each implementation by the classes that derive from this
/// one (in memory; Redis). Every test gets a fresh store on a fake clock that starts on a whole second, so the window's
/// one-second slots and the retry times are exact.
/// </summary>
public abstract class LimitStoreContractTests : IAsyncLifetime
{
    private protected static readonly DateTimeOffset T0 = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>1000 tokens and 10 requests a minute, 2 in flight.</summary>
    private protected static readonly LimitScope Consumer = new("consumer:a", "consumer 'a'", 1000, 10, 2);

    /// <summary>1500 tokens a minute, nothing else.</summary>
    private protected static readonly LimitScope Group = new("group:g", "group 'g'", 1500, null, null);

    private protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test.</summary>
    private protected abstract ILimitStore Store { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private async Task<LimitReservation> ReserveAsync(IReadOnlyList<LimitScope> scopes, long tokens)
    {
        var decision = await Store.TryReserveAsync(scopes, tokens, default);
        Assert.True(decision.Admitted, $"refused by {decision.Refused?.Key} ({decision.RefusedKind})");
        return decision.Reservation!;
    }

    [Fact]
    public async Task TryReserve_WithinEveryLimit_Admits_AndReportsWhatTheFirstScopeHasLeft()
    {
        var decision = await Store.TryReserveAsync([Consumer, Group], 100, default);

        Assert.True(decision.Admitted);
        Assert.Null(decision.Refused);
        Assert.Equal((900L, 9L), (decision.RemainingTokens, decision.RemainingRequests));
        var reservation = decision.Reservation!;
        Assert.Equal([Consumer, Group], reservation.Scopes);
        Assert.Equal((100L, T0.ToUnixTimeSeconds()), (reservation.Tokens, reservation.Second));

        // Only the limits the first scope has are reported.
        var groupFirst = await Store.TryReserveAsync([Group], 100, default);
        Assert.Equal((1300L, (long?)null), (groupFirst.RemainingTokens, groupFirst.RemainingRequests));
        var unlimited = await Store.TryReserveAsync([new LimitScope("consumer:c", "consumer 'c'", null, null, 5)], 100, default);
        Assert.True(unlimited.Admitted);
        Assert.Equal(((long?)null, (long?)null), (unlimited.RemainingTokens, unlimited.RemainingRequests));
    }

    [Fact]
    public async Task TryReserve_NoScopes_Admits()
    {
        var decision = await Store.TryReserveAsync([], 10_000, default);

        Assert.True(decision.Admitted);
        Assert.Equal(((long?)null, (long?)null), (decision.RemainingTokens, decision.RemainingRequests));
        await Store.SettleAsync(decision.Reservation!, 10_000, default);
    }

    [Fact]
    public async Task TryReserve_GroupFull_RefusedByTheGroup_AndNothingChargedToTheConsumer()
    {
        await ReserveAsync([Group], 1400);

        var refused = await Store.TryReserveAsync([Consumer, Group], 200, default);
        Assert.False(refused.Admitted);
        Assert.Null(refused.Reservation);
        Assert.Equal(Group, refused.Refused);
        Assert.Equal(LimitKind.TokensPerMinute, refused.RefusedKind);

        // All or nothing: the consumer's counters did not move, so its full limit is still there.
        var ok = await Store.TryReserveAsync([Consumer], 1000, default);
        Assert.True(ok.Admitted);
        Assert.Equal((0L, 9L), (ok.RemainingTokens, ok.RemainingRequests));
    }

    [Fact]
    public async Task TryReserve_OverTpm_RetryAfterIsWhenTheOldSlotLeavesTheWindow()
    {
        var first = await ReserveAsync([Consumer], 600);
        Time.Advance(TimeSpan.FromSeconds(20.5));
        await ReserveAsync([Consumer], 300);
        await Store.SettleAsync(first, 600, default);

        var refused = await Store.TryReserveAsync([Consumer], 500, default);
        Assert.Equal((Consumer, LimitKind.TokensPerMinute), (refused.Refused, refused.RefusedKind));
        Assert.Equal(TimeSpan.FromSeconds(39.5), refused.RetryAfter);

        Time.Advance(TimeSpan.FromSeconds(39.5) - TimeSpan.FromMilliseconds(1));
        Assert.False((await Store.TryReserveAsync([Consumer], 500, default)).Admitted);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await Store.TryReserveAsync([Consumer], 500, default)).Admitted);
    }

    [Fact]
    public async Task TryReserve_OverRpm_RefusedUntilTheOldestRequestLeavesTheWindow()
    {
        var rpm = new LimitScope("consumer:r", "consumer 'r'", null, 2, null);
        await Store.SettleAsync(await ReserveAsync([rpm], 1), 1, default);
        Time.Advance(TimeSpan.FromSeconds(10));
        await Store.SettleAsync(await ReserveAsync([rpm], 1), 1, default);

        // A settled request still counts for its minute.
        var refused = await Store.TryReserveAsync([rpm], 1, default);
        Assert.Equal((rpm, LimitKind.RequestsPerMinute), (refused.Refused, refused.RefusedKind));
        Assert.Equal(TimeSpan.FromSeconds(50), refused.RetryAfter);

        Time.Advance(TimeSpan.FromSeconds(50));
        var admitted = await Store.TryReserveAsync([rpm], 1, default);
        Assert.True(admitted.Admitted);
        Assert.Equal(0L, admitted.RemainingRequests);
    }

    [Fact]
    public async Task TryReserve_EstimateAboveTheLimit_RefusedWithoutARetryTime()
    {
        var refused = await Store.TryReserveAsync([Consumer], 1001, default);

        Assert.False(refused.Admitted);
        Assert.Equal((Consumer, LimitKind.TokensPerMinute), (refused.Refused, refused.RefusedKind));
        Assert.Null(refused.RetryAfter);

        // It charged nothing either.
        Assert.Equal(0L, (await Store.TryReserveAsync([Consumer], 1000, default)).RemainingTokens);
    }

    [Fact]
    public async Task Concurrency_HeldUntilReleased_RefusedWithARetryWithinASecond_AndReleaseReturnsTokensAndTheRequest()
    {
        var a = await ReserveAsync([Consumer], 10);
        await ReserveAsync([Consumer], 10);

        var third = await Store.TryReserveAsync([Consumer], 10, default);
        Assert.Equal((Consumer, LimitKind.ConcurrentRequests), (third.Refused, third.RefusedKind));
        Assert.NotNull(third.RetryAfter);
        Assert.InRange(third.RetryAfter.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));

        // Released: the request never reached a model, so its tokens and its request are taken back as well as its hold
        // (and the refused attempt charged nothing).
        await Store.ReleaseAsync(a, default);
        var fourth = await Store.TryReserveAsync([Consumer], 10, default);
        Assert.True(fourth.Admitted);
        Assert.Equal((1000L - 20, 10L - 2), (fourth.RemainingTokens, fourth.RemainingRequests));
    }

    [Fact]
    public async Task Settle_BelowTheEstimate_ReturnsTheDifference_KeepsTheRequest_AndEndsTheConcurrencyHold()
    {
        var a = await ReserveAsync([Consumer], 900);
        await Store.SettleAsync(a, 100, default);

        var b = await Store.TryReserveAsync([Consumer], 900, default);
        Assert.True(b.Admitted);
        Assert.Equal((0L, 8L), (b.RemainingTokens, b.RemainingRequests));
        await ReserveAsync([Consumer], 0);  // a's hold ended: b and this one are the two in flight
        Assert.Equal(LimitKind.ConcurrentRequests, (await Store.TryReserveAsync([Consumer], 0, default)).RefusedKind);
    }

    [Fact]
    public async Task Settle_AboveTheEstimate_ChargesTheDifference()
    {
        var a = await ReserveAsync([Consumer, Group], 100);
        await Store.SettleAsync(a, 700, default);

        Assert.Equal(300L, (await Store.TryReserveAsync([Consumer], 0, default)).RemainingTokens);
        var refused = await Store.TryReserveAsync([Consumer, Group], 301, default);
        Assert.Equal((Consumer, LimitKind.TokensPerMinute), (refused.Refused, refused.RefusedKind));
        Assert.Equal(800L, (await Store.TryReserveAsync([Group], 0, default)).RemainingTokens);
    }

    [Fact]
    public async Task Settle_CorrectsTheSlotTheReservationWasChargedTo_NotTheCurrentOne()
    {
        var a = await ReserveAsync([Group], 600);
        Time.Advance(TimeSpan.FromSeconds(30));
        await ReserveAsync([Group], 300);

        // 500 come off the first slot (600 → 100); the second keeps its 300.
        await Store.SettleAsync(a, 100, default);
        var full = await Store.TryReserveAsync([Group], 1100, default);
        Assert.True(full.Admitted);
        Assert.Equal(0L, full.RemainingTokens);

        // When the first slot leaves the window, its 100 go with it, and only those.
        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(100L, (await Store.TryReserveAsync([Group], 0, default)).RemainingTokens);
    }

    [Fact]
    public async Task Settle_AfterItsSlotLeftTheWindow_ChangesNoCount_ButEndsTheHold()
    {
        var scope = new LimitScope("consumer:late", "consumer 'late'", 1000, null, 2);
        var late = await ReserveAsync([scope], 600);
        Time.Advance(TimeSpan.FromSeconds(61));
        var current = await Store.TryReserveAsync([scope], 900, default);
        Assert.Equal(100L, current.RemainingTokens);

        // Its 600 have left the window already: settling it to nothing must not take tokens off the current minute.
        await Store.SettleAsync(late, 0, default);
        Assert.Equal(LimitKind.TokensPerMinute, (await Store.TryReserveAsync([scope], 101, default)).RefusedKind);

        // Its hold has ended, though: one more may be in flight beside the current one, and no more.
        await ReserveAsync([scope], 100);
        Assert.Equal(LimitKind.ConcurrentRequests, (await Store.TryReserveAsync([scope], 0, default)).RefusedKind);
    }

    [Fact]
    public async Task TryReserve_ManyConcurrently_AdmitsExactlyWhatTheLimitsAllow()
    {
        var tokens = new LimitScope("consumer:burst", "consumer 'burst'", 1000, null, null);
        var inFlight = new LimitScope("group:burst", "group 'burst'", null, null, 5);

        var byTokens = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Store.TryReserveAsync([tokens], 100, default).AsTask()));
        var byConcurrency = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Store.TryReserveAsync([inFlight], 1, default).AsTask()));

        Assert.Equal(10, byTokens.Count(d => d.Admitted));
        Assert.All(byTokens.Where(d => !d.Admitted), d => Assert.Equal(LimitKind.TokensPerMinute, d.RefusedKind));
        Assert.Equal(5, byConcurrency.Count(d => d.Admitted));
        Assert.All(byConcurrency.Where(d => !d.Admitted), d => Assert.Equal(LimitKind.ConcurrentRequests, d.RefusedKind));

        await Task.WhenAll(byConcurrency.Where(d => d.Admitted).Select(d => Store.ReleaseAsync(d.Reservation!, default).AsTask()));
        Assert.Equal(5, (await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.TryReserveAsync([inFlight], 1, default).AsTask()))).Count(d => d.Admitted));
    }
}
