using Microsoft.Extensions.Time.Testing;

namespace Tokengate.Limits;

/// <summary>
/// The lock-free counters under parallel reservations for one consumer: the limits hold exactly (the contract's
/// single-threaded cases are in the integration tests' <c>LimitStoreContractTests</c>).
/// </summary>
public sealed class InMemoryLimitStoreTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task TryReserve_ManyThreadsAtTheRequestLimit_NeverAdmitMoreThanTheLimit()
    {
        const int limit = 1_000;
        var store = new InMemoryLimitStore(Time);
        IReadOnlyList<LimitScope> scopes = [new LimitScope("consumer:app", "consumer 'app'", null, limit, null)];
        var admitted = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < limit; i++)
            {
                if ((await store.TryReserveAsync(scopes, 10, default)).Admitted) Interlocked.Increment(ref admitted);
            }
        })));

        Assert.InRange(admitted, limit * 9 / 10, limit);
        var decision = await store.TryReserveAsync(scopes, 10, default);
        if (admitted == limit) Assert.Equal(LimitKind.RequestsPerMinute, decision.RefusedKind);
    }

    [Fact]
    public async Task TryReserve_ManyThreadsAtTheConcurrencyLimit_NeverHoldMoreInFlight()
    {
        const int concurrent = 3;
        var store = new InMemoryLimitStore(Time);
        IReadOnlyList<LimitScope> scopes = [new LimitScope("consumer:app", "consumer 'app'", null, null, concurrent)];
        var inFlight = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var decision = await store.TryReserveAsync(scopes, 1, default);
                if (decision.Reservation is not { } reservation) continue;
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                Interlocked.Decrement(ref inFlight);
                await store.SettleAsync(reservation, 1, default);
            }
        })));

        Assert.InRange(most, 1, concurrent);
        // Everything settled: the whole concurrency is free again.
        for (var i = 0; i < concurrent; i++) Assert.True((await store.TryReserveAsync(scopes, 1, default)).Admitted);
        Assert.False((await store.TryReserveAsync(scopes, 1, default)).Admitted);
    }

    [Fact]
    public async Task Release_AfterParallelReservations_TakesEveryChargeBack()
    {
        var store = new InMemoryLimitStore(Time);
        IReadOnlyList<LimitScope> scopes = [new LimitScope("consumer:app", "consumer 'app'", 1_000_000, 1_000_000, null)];
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                var decision = await store.TryReserveAsync(scopes, 100, default);
                await store.ReleaseAsync(decision.Reservation!, default);
            }
        })));

        var after = await store.TryReserveAsync(scopes, 100, default);
        Assert.Equal(1_000_000 - 100, after.RemainingTokens);
        Assert.Equal(1_000_000 - 1, after.RemainingRequests);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
