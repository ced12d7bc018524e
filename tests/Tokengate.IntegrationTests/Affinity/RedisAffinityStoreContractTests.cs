using System.Net;
using StackExchange.Redis;
using Tokengate.Affinity;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.IntegrationTests.Secrets;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>
/// The contract on <see cref="RedisAffinityStore"/> over the shared test Redis and one database engine, plus what the
/// durable copy adds: a fleet of instances under one key prefix, Redis that lost its data, Redis or the database
/// unreachable, pruning.
/// </summary>
public abstract class RedisAffinityStoreContractTests : AffinityStoreContractTests
{
    private readonly string _prefix = $"tg-test-{Guid.NewGuid():N}:";
    private readonly List<RedisAffinityInstance> _instances = [];
    private TestDatabases _databases = null!;
    private SwitchableDatabase _database = null!;
    private RedisAffinityInstance _instance = null!;

    private protected abstract DatabaseProvider Provider { get; }

    private protected override IAffinityStore Store => _instance.Store;

    private protected override GatewayMetrics Metrics => _instance.Metrics;

    public override async Task InitializeAsync()
    {
        _databases = await TestDatabases.CreateAsync();
        _database = new SwitchableDatabase(await _databases.OpenAsync(Provider, new AffinityMigrations()));
        _instance = await StartInstanceAsync();
    }

    public override async Task DisposeAsync()
    {
        _database.Down = false;
        foreach (var instance in _instances) await instance.DisposeAsync();
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared))
        {
            foreach (var key in redis.GetServers().Single().Keys(pattern: _prefix + "*").ToList()) await redis.GetDatabase().KeyDeleteAsync(key);
        }
        await _databases.DisposeAsync();
    }

    private async Task<RedisAffinityInstance> StartInstanceAsync(string? endpoint = null)
    {
        var instance = await RedisAffinityInstance.StartAsync(endpoint ?? TestRedis.Shared, _prefix, _database, Time);
        _instances.Add(instance);
        return instance;
    }

    private async Task ForgetRedisAsync()
    {
        // As a Redis restart without persistence does to this fleet's keys (other tests share the server).
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        foreach (var key in redis.GetServers().Single().Keys(pattern: _prefix + "*").ToList()) await redis.GetDatabase().KeyDeleteAsync(key);
    }

    private static TcpForwarder LinkToSharedRedis()
    {
        var shared = TestRedis.Shared.Split(':');
        return new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Find_ThroughAnotherInstance_SeesTheRecordItsChainTokensAndItsRemovalAtOnce()
    {
        var other = await StartInstanceAsync();
        var record = Response(NewId());

        await _instance.Store.RecordAsync(record, default);
        Assert.Equal(record, await other.Store.FindAsync(record.Id, default));

        await other.Store.SetChainTokensAsync(record.Id, 900, default);
        Assert.Equal(900, (await _instance.Store.FindAsync(record.Id, default))?.ChainTokens);

        await _instance.Store.RemoveAsync(record.Id, default);
        Assert.Null(await other.Store.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task Find_RedisLostItsData_AnswersFromTheDurableCopy_AndPutsTheRecordBackIntoRedis()
    {
        var kept = Response(NewId(), consumer: "team-a", backend: "west");
        var removed = Response(NewId());
        var expiring = Response(NewId()) with { ExpiresAt = T0.AddDays(1) };
        foreach (var r in new[] { kept, removed, expiring }) await _instance.Store.RecordAsync(r, default);
        await _instance.Store.SetChainTokensAsync(kept.Id, 2_048, default);
        await _instance.Store.RemoveAsync(removed.Id, default);
        await _instance.DrainAsync();  // a graceful stop: everything queued is in the database
        await ForgetRedisAsync();

        var restarted = await StartInstanceAsync();
        Time.SetUtcNow(T0.AddDays(1));

        Assert.Equal(kept with { ChainTokens = 2_048 }, await restarted.Store.FindAsync(kept.Id, default));
        Assert.Null(await restarted.Store.FindAsync(removed.Id, default));
        Assert.Null(await restarted.Store.FindAsync(expiring.Id, default));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var key = _prefix + "affinity:" + kept.Id;
        Assert.Equal("west", (string?)await redis.GetDatabase().HashGetAsync(key, "b"));
        Assert.Equal(kept.ExpiresAt.ToUnixTimeMilliseconds(), (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", key));
        Assert.False(await redis.GetDatabase().KeyExistsAsync(_prefix + "affinity:" + removed.Id));
    }

    [Fact]
    public async Task Remove_BeforeTheDurableCopyIsDeleted_AnotherInstanceDoesNotReadItBackFromTheDatabase()
    {
        var record = Response(NewId());
        var earlier = await StartInstanceAsync();
        await earlier.Store.RecordAsync(record, default);
        await earlier.DrainAsync();
        var other = await StartInstanceAsync();

        // The delete of the database's row is still queued: the tombstone answers meanwhile.
        await _instance.Store.RemoveAsync(record.Id, default);
        Assert.Equal(record, await other.Table.FindAsync(record.Id, default));
        Assert.Null(await other.Store.FindAsync(record.Id, default));

        await _instance.DrainAsync();
        Assert.Null(await other.Table.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task Record_ExpiresInRedisWithTheRecord_AndARemovalLeavesATombstoneForTheRestOfItsLifetime()
    {
        var record = Response(NewId());
        await _instance.Store.RecordAsync(record, default);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var key = _prefix + "affinity:" + record.Id;
        Assert.Equal(record.ExpiresAt.ToUnixTimeMilliseconds(), (long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", key));

        await _instance.Store.RemoveAsync(record.Id, default);

        Assert.Equal(["x"], (await redis.GetDatabase().HashKeysAsync(key)).Select(k => (string)k!));
        Assert.InRange((long)await redis.GetDatabase().ExecuteAsync("PEXPIRETIME", key), record.ExpiresAt.ToUnixTimeMilliseconds() - 5_000, record.ExpiresAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Calls_RedisUnreachable_GoToTheDatabaseAtOnce_AndRedisGetsTheRemovalsAndTokensWhenItIsBack()
    {
        await using var link = LinkToSharedRedis();
        var cut = await StartInstanceAsync($"127.0.0.1:{link.Port}");
        var other = _instance;
        var toRemove = Response(NewId());
        var toCount = Response(NewId());
        // Made before the cut and already in the durable copy (a record made in the writer's last moments before Redis
        // went away is found again once Redis is back).
        var earlier = await StartInstanceAsync();
        await earlier.Store.RecordAsync(toRemove, default);
        await earlier.Store.RecordAsync(toCount, default);
        await earlier.DrainAsync();

        link.Disable();
        await Poll.UntilAsync(() => !cut.Redis.IsConnected, TimeSpan.FromSeconds(10));
        var made = Response(NewId(), backend: "west");
        await cut.Store.RecordAsync(made, default);
        await cut.Store.RemoveAsync(toRemove.Id, default);
        await cut.Store.SetChainTokensAsync(toCount.Id, 77, default);

        // The other instance, still on Redis, finds the new record in the database; the cut one reads the database.
        Assert.Equal(made, await other.Store.FindAsync(made.Id, default));
        Assert.Equal(made, await cut.Store.FindAsync(made.Id, default));
        Assert.Null(await cut.Store.FindAsync(toRemove.Id, default));
        Assert.Equal(77, (await cut.Store.FindAsync(toCount.Id, default))?.ChainTokens);
        Assert.Equal(2, cut.Store.Unsynced);

        link.Enable();
        await Poll.UntilAsync(() => cut.Redis.IsConnected && cut.Store.Unsynced == 0, TimeSpan.FromSeconds(10));
        Assert.Null(await other.Store.FindAsync(toRemove.Id, default));
        Assert.Equal(77, (await other.Store.FindAsync(toCount.Id, default))?.ChainTokens);
    }

    [Fact]
    public async Task Record_DatabaseUnreachable_RedisServes_AndTheWriterCatchesUpWhenItIsBack()
    {
        _database.Down = true;
        var record = Response(NewId());
        await _instance.Store.RecordAsync(record, default);
        await _instance.Store.SetChainTokensAsync(record.Id, 31, default);
        Assert.Equal(record with { ChainTokens = 31 }, await _instance.Store.FindAsync(record.Id, default));

        _database.Down = false;
        await _instance.DrainAsync();
        Assert.Equal(record with { ChainTokens = 31 }, await _instance.Table.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task Record_RedisAndDatabaseUnreachable_KeepsTheRecordInThisInstance_AndTheDatabaseGetsItLater()
    {
        await using var link = LinkToSharedRedis();
        var cut = await StartInstanceAsync($"127.0.0.1:{link.Port}");
        link.Disable();
        await Poll.UntilAsync(() => !cut.Redis.IsConnected, TimeSpan.FromSeconds(10));
        _database.Down = true;

        var record = Response(NewId());
        await cut.Store.RecordAsync(record, default);
        Assert.Equal(record, await cut.Store.FindAsync(record.Id, default));
        Assert.Null(await _instance.Store.FindAsync(record.Id, default));

        _database.Down = false;
        await cut.DrainAsync();
        Assert.Equal(record, await _instance.Store.FindAsync(record.Id, default));
    }

    [Fact]
    public async Task Prune_DeletesTheExpiredRowsOnly()
    {
        var shortLived = Response(NewId()) with { ExpiresAt = T0.AddDays(1) };
        var longLived = Response(NewId());
        await _instance.Store.RecordAsync(shortLived, default);
        await _instance.Store.RecordAsync(longLived, default);
        await _instance.DrainAsync();

        Assert.Equal(0, await _instance.Table.PruneAsync(T0.AddDays(1).AddTicks(-10), default));
        Assert.Equal(1, await _instance.Table.PruneAsync(T0.AddDays(1), default));
        Assert.Null(await _instance.Table.FindAsync(shortLived.Id, default));
        Assert.Equal(longLived, await _instance.Table.FindAsync(longLived.Id, default));
    }
}
