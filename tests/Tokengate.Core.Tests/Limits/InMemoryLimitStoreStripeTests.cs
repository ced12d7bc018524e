using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Limits;

/// <summary>
/// The striped counters: charges on different stripes are checked against one limit, a reservation's settle or
/// release corrects the stripe it charged wherever it runs, and parallel threads on different stripes admit exactly
/// the limit. The stripe is picked by the test, not by the processor.
/// </summary>
public sealed class InMemoryLimitStoreStripeTests
{
    private const int Stripes = 4;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));
    private int _stripe;

    private InMemoryLimitStore NewStore() => new(_time, Stripes, () => _stripe);

    /// <summary>One more request, tried from each stripe in turn, is refused for <paramref name="kind"/>.</summary>
    private async Task AssertEveryStripeRefusesAsync(InMemoryLimitStore store, IReadOnlyList<LimitScope> scopes, LimitKind kind)
    {
        for (var s = 0; s < Stripes; s++)
        {
            _stripe = s;
            Assert.Equal(kind, (await store.TryReserveAsync(scopes, 1, default)).RefusedKind);
        }
    }

    private static IReadOnlyList<LimitScope> Scope(int? tpm = null, int? rpm = null, int? concurrent = null) =>
        [new LimitScope("consumer:app", "consumer 'app'", tpm, rpm, concurrent)];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(5, 8)]
    [InlineData(16, 16)]
    [InlineData(64, 16)]
    [InlineData(0, 1)]
    public void DefaultStripes_IsThePowerOfTwoAtOrAboveTheProcessorsUpTo16(int processors, int stripes) =>
        Assert.Equal(stripes, InMemoryLimitStore.DefaultStripes(processors));

    [Fact]
    public void Constructor_StripesNotAPowerOfTwo_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryLimitStore(_time, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryLimitStore(_time, 0));
    }

    [Fact]
    public async Task TryReserve_RequestsOnEveryStripe_AreSummedAgainstTheRpm()
    {
        var store = NewStore();
        var scopes = Scope(rpm: 6);
        for (var i = 0; i < 6; i++)
        {
            _stripe = i;
            var admitted = await store.TryReserveAsync(scopes, 1, default);
            Assert.True(admitted.Admitted);
            Assert.Equal(i % Stripes, admitted.Reservation!.Stripe);
            Assert.Equal(6 - i - 1, admitted.RemainingRequests);
        }

        await AssertEveryStripeRefusesAsync(store, scopes, LimitKind.RequestsPerMinute);
    }

    [Fact]
    public async Task TryReserve_TokensOnDifferentStripes_AreSummedAgainstTheTpm()
    {
        var store = NewStore();
        var scopes = Scope(tpm: 100);
        _stripe = 0;
        Assert.Equal(60, (await store.TryReserveAsync(scopes, 40, default)).RemainingTokens);
        _stripe = 1;
        Assert.Equal(20, (await store.TryReserveAsync(scopes, 40, default)).RemainingTokens);
        _stripe = 2;
        var refused = await store.TryReserveAsync(scopes, 21, default);
        Assert.Equal(LimitKind.TokensPerMinute, refused.RefusedKind);
        _stripe = 3;
        var exact = await store.TryReserveAsync(scopes, 20, default);
        Assert.True(exact.Admitted);
        Assert.Equal(0, exact.RemainingTokens);
        _stripe = 0;
        Assert.Equal(LimitKind.TokensPerMinute, (await store.TryReserveAsync(scopes, 1, default)).RefusedKind);
    }

    [Fact]
    public async Task TryReserve_InFlightOnDifferentStripes_AreSummedAgainstTheConcurrency()
    {
        var store = NewStore();
        var scopes = Scope(concurrent: 3);
        for (var s = 0; s < 3; s++)
        {
            _stripe = s;
            Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        }
        await AssertEveryStripeRefusesAsync(store, scopes, LimitKind.ConcurrentRequests);
    }

    [Fact]
    public async Task Settle_OnAnotherStripe_CorrectsTheReservationsOwnStripe()
    {
        var store = NewStore();
        var scopes = Scope(tpm: 1_000, rpm: 100);
        _stripe = 1;
        var reservation = (await store.TryReserveAsync(scopes, 300, default)).Reservation!;
        Assert.Equal(1, reservation.Stripe);

        // Settled from a thread on stripe 2, which holds nothing: correcting stripe 2 would stop at zero there and
        // leave stripe 1's 300 tokens charged.
        _stripe = 2;
        await Task.Run(async () => await store.SettleAsync(reservation, 100, default));

        var next = await store.TryReserveAsync(scopes, 10, default);
        Assert.Equal(1_000 - 100 - 10, next.RemainingTokens);
        Assert.Equal(100 - 2, next.RemainingRequests);
    }

    [Fact]
    public async Task Settle_TwiceOrAfterRelease_NeverTakesTheStripeBelowZero()
    {
        var store = NewStore();
        var scopes = Scope(tpm: 1_000, rpm: 100, concurrent: 1);
        _stripe = 1;
        var other = (await store.TryReserveAsync(Scope(tpm: 1_000, rpm: 100), 50, default)).Reservation!;
        await store.SettleAsync(other, 50, default);
        _stripe = 0;
        var reservation = (await store.TryReserveAsync(scopes, 300, default)).Reservation!;

        await store.ReleaseAsync(reservation, default);
        await store.ReleaseAsync(reservation, default);
        await store.SettleAsync(reservation, 0, default);

        // Stripe 0 is back at zero, not below it, and stripe 1's charge is untouched.
        _stripe = 0;
        var next = await store.TryReserveAsync(scopes, 10, default);
        Assert.Equal(1_000 - 50 - 10, next.RemainingTokens);
        Assert.Equal(100 - 2, next.RemainingRequests);
        // One in flight, not one plus what a negative count would have hidden.
        _stripe = 3;
        Assert.Equal(LimitKind.ConcurrentRequests, (await store.TryReserveAsync(scopes, 1, default)).RefusedKind);
    }

    [Fact]
    public async Task Release_OnAnotherStripe_FreesTheConcurrency()
    {
        var store = NewStore();
        var scopes = Scope(concurrent: 2);
        _stripe = 0;
        Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        _stripe = 1;
        var held = (await store.TryReserveAsync(scopes, 1, default)).Reservation!;
        _stripe = 2;
        Assert.False((await store.TryReserveAsync(scopes, 1, default)).Admitted);

        // Released while the picker points at stripe 2: exiting stripe 2 (at zero) would free nothing.
        await store.ReleaseAsync(held, default);

        Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        _stripe = 3;
        Assert.Equal(LimitKind.ConcurrentRequests, (await store.TryReserveAsync(scopes, 1, default)).RefusedKind);
    }

    [Fact]
    public async Task TryReserve_OverTheRpmWithChargesOnTwoStripes_RetryAfterIsWhenEnoughOldSlotsLeave()
    {
        var store = NewStore();
        var scopes = Scope(rpm: 5);
        _stripe = 1;
        for (var i = 0; i < 3; i++) Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        _time.Advance(TimeSpan.FromSeconds(10));
        _stripe = 0;
        for (var i = 0; i < 2; i++) Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        _time.Advance(TimeSpan.FromSeconds(10));

        _stripe = 2;
        var refused = await store.TryReserveAsync(scopes, 1, default);

        // Stripe 1's three requests of second 0 leave the window at second 60, 40 s from now; counting stripe 0 alone
        // would have said 50 s (when its two of second 10 leave).
        Assert.Equal(LimitKind.RequestsPerMinute, refused.RefusedKind);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.RetryAfter);
        _time.Advance(TimeSpan.FromSeconds(40) - TimeSpan.FromMilliseconds(1));
        Assert.False((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
    }

    public static TheoryData<string> Limits => ["rpm", "tpm", "concurrent"];

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task TryReserve_ThreadsOnEveryStripe_AdmitExactlyTheLimit(string kind)
    {
        const int threads = 8, perThread = 400, limit = 1_000, tokens = 10;
        var scopes = kind switch
        {
            "rpm" => Scope(rpm: limit),
            "tpm" => Scope(tpm: limit * tokens),
            _ => Scope(concurrent: limit),
        };
        var expected = kind switch
        {
            "rpm" => LimitKind.RequestsPerMinute,
            "tpm" => LimitKind.TokensPerMinute,
            _ => LimitKind.ConcurrentRequests,
        };
        var threadStripe = new ThreadLocal<int>();
        var store = new InMemoryLimitStore(_time, Stripes, () => threadStripe.Value);
        var admitted = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            threadStripe.Value = t;
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++)
            {
                // Held, never settled: what is admitted stays charged.
                if (store.TryReserveAsync(scopes, tokens, default).Result.Admitted) Interlocked.Increment(ref admitted);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.InRange(admitted, 1, limit);
        // A request refused in parallel only while another's charge was being taken back leaves room; whatever is left
        // fits one by one, and together that is exactly the limit: nothing over it, no charge left behind by a refusal.
        var more = 0;
        LimitDecision next;
        while ((next = await store.TryReserveAsync(scopes, tokens, default)).Admitted) more++;
        Assert.Equal(limit, admitted + more);
        Assert.Equal(expected, next.RefusedKind);
    }
}
