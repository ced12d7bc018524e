using Microsoft.Extensions.Time.Testing;
using Tokengate.Affinity;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>
/// What every <see cref="IAffinityStore"/> promises, run against each implementation by the classes that derive from
/// this one (in memory; Redis with SQLite; Redis with PostgreSQL). Every test gets a fresh store on a fake clock.
/// </summary>
public abstract class AffinityStoreContractTests : IAsyncLifetime
{
    /// <summary>Ahead of the real clock: Redis expires keys by its own clock, at the records' expiry.</summary>
    private protected static readonly DateTimeOffset T0 = new(2030, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private protected static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test.</summary>
    private protected abstract IAffinityStore Store { get; }

    /// <summary>The meter the store counts on.</summary>
    private protected abstract GatewayMetrics Metrics { get; }

    public abstract Task InitializeAsync();

    public abstract Task DisposeAsync();

    private protected static string NewId() => $"resp_{Guid.NewGuid():N}";

    private protected static AffinityRecord Response(string id, string consumer = "app", string backend = "east", long chainTokens = 0, DateTimeOffset? at = null) =>
        new(id, AffinityKinds.Response, "gpt-4o", backend, consumer, at ?? T0, (at ?? T0) + Lifetime, chainTokens);

    [Fact]
    public async Task Record_ThenFind_ReturnsEveryFieldAsRecorded()
    {
        var record = new AffinityRecord(NewId(), AffinityKinds.Response, "gpt-4o-mini", "sweden-central", "team-a", T0.AddSeconds(-5), T0.AddDays(30), 1234);
        await Store.RecordAsync(record, default);

        var found = await Store.FindAsync(record.Id, default);

        Assert.Equal(record, found);
        Assert.Equal(("sweden-central", "team-a", "gpt-4o-mini", AffinityKinds.Response), (found!.Backend, found.Consumer, found.Pool, found.Kind));
    }

    [Fact]
    public async Task Record_SameIdAgain_ReplacesTheWholeRecord()
    {
        var id = NewId();
        await Store.RecordAsync(Response(id, consumer: "app", backend: "east", chainTokens: 10), default);
        var replacement = Response(id, consumer: "other", backend: "west", at: T0.AddMinutes(1));
        await Store.RecordAsync(replacement, default);

        Assert.Equal(replacement, await Store.FindAsync(id, default));
    }

    [Fact]
    public async Task Find_UnknownEmptyOrOverlongId_ReturnsNull()
    {
        await Store.RecordAsync(Response(NewId()), default);

        Assert.Null(await Store.FindAsync(NewId(), default));
        Assert.Null(await Store.FindAsync("", default));
        Assert.Null(await Store.FindAsync(new string('r', AffinityRecord.MaxIdLength + 1), default));
    }

    [Fact]
    public async Task Find_ATickBeforeExpiresAt_ReturnsTheRecord_AtExpiresAt_ReturnsNull()
    {
        var record = Response(NewId());
        await Store.RecordAsync(record, default);

        Time.SetUtcNow(record.ExpiresAt - TimeSpan.FromTicks(1));
        Assert.Equal(record, await Store.FindAsync(record.Id, default));

        Time.SetUtcNow(record.ExpiresAt);
        Assert.Null(await Store.FindAsync(record.Id, default));
        Assert.Null(await Store.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task SetChainTokens_LastFigureWins_AndNothingElseChanges()
    {
        var record = Response(NewId());
        await Store.RecordAsync(record, default);

        await Store.SetChainTokensAsync(record.Id, 1_500, default);
        Assert.Equal(record with { ChainTokens = 1_500 }, await Store.FindAsync(record.Id, default));

        await Store.SetChainTokensAsync(record.Id, 4_200, default);
        Assert.Equal(record with { ChainTokens = 4_200 }, await Store.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task SetChainTokens_UnknownRemovedOrExpiredId_CreatesNothing()
    {
        var unknown = NewId();
        await Store.SetChainTokensAsync(unknown, 10, default);
        Assert.Null(await Store.FindAsync(unknown, default));

        var removed = Response(NewId());
        await Store.RecordAsync(removed, default);
        await Store.RemoveAsync(removed.Id, default);
        await Store.SetChainTokensAsync(removed.Id, 10, default);
        Assert.Null(await Store.FindAsync(removed.Id, default));

        var expiring = Response(NewId());
        await Store.RecordAsync(expiring, default);
        Time.SetUtcNow(expiring.ExpiresAt);
        await Store.SetChainTokensAsync(expiring.Id, 10, default);
        Assert.Null(await Store.FindAsync(expiring.Id, default));
    }

    [Fact]
    public async Task Remove_ThenFind_ReturnsNull_RemovingAgainIsNoError_AndTheIdCanBeRecordedAgain()
    {
        var record = Response(NewId());
        var kept = Response(NewId());
        await Store.RecordAsync(record, default);
        await Store.RecordAsync(kept, default);

        await Store.RemoveAsync(record.Id, default);
        Assert.Null(await Store.FindAsync(record.Id, default));
        Assert.Equal(kept, await Store.FindAsync(kept.Id, default));

        await Store.RemoveAsync(record.Id, default);
        await Store.RemoveAsync(NewId(), default);

        var again = record with { Backend = "west" };
        await Store.RecordAsync(again, default);
        Assert.Equal(again, await Store.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task Records_OfTwoConsumers_KeepTheirOwnersAndBackends_SoTheCallerCanRefuseTheOther()
    {
        var mine = Response(NewId(), consumer: "app", backend: "east");
        var theirs = Response(NewId(), consumer: "other", backend: "west");
        await Store.RecordAsync(mine, default);
        await Store.RecordAsync(theirs, default);

        // The caller's owner check: an id another consumer owns is treated as unknown.
        async Task<AffinityRecord?> VisibleToAsync(string consumer, string id) =>
            await Store.FindAsync(id, default) is { } r && r.Consumer == consumer ? r : null;

        Assert.Equal("east", (await VisibleToAsync("app", mine.Id))?.Backend);
        Assert.Null(await VisibleToAsync("app", theirs.Id));
        Assert.Equal("west", (await VisibleToAsync("other", theirs.Id))?.Backend);
        Assert.Null(await VisibleToAsync("other", mine.Id));
    }

    [Fact]
    public async Task Record_InvalidRecord_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(Response(""), default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(Response(new string('r', AffinityRecord.MaxIdLength + 1)), default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAsync(Response(NewId(), consumer: ""), default).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.RecordAsync(Response(NewId(), chainTokens: -1), default).AsTask());
    }

    [Fact]
    public async Task Find_CountsHitsMissesAndExpired()
    {
        using var lookups = new LookupCounter(Metrics.Meter);
        var record = Response(NewId());
        await Store.RecordAsync(record, default);

        await Store.FindAsync(record.Id, default);
        await Store.FindAsync(NewId(), default);
        Time.SetUtcNow(record.ExpiresAt);
        await Store.FindAsync(record.Id, default);

        Assert.Equal((1, 1), (lookups[AffinityMetrics.Hit], lookups[AffinityMetrics.Miss]));
        Assert.Equal(1, lookups[AffinityMetrics.Expired]);
    }

    [Fact]
    public async Task Record_ManyConcurrently_EveryOneIsFound()
    {
        var records = Enumerable.Range(0, 200).Select(i => Response(NewId(), consumer: $"c{i % 7}", backend: $"b{i % 3}")).ToList();

        await Task.WhenAll(records.Select(r => Store.RecordAsync(r, default).AsTask()));
        var found = await Task.WhenAll(records.Select(r => Store.FindAsync(r.Id, default).AsTask()));

        Assert.Equal(records, found);
    }
}
