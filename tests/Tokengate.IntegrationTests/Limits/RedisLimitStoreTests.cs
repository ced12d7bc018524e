using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Limits;

namespace Tokengate.IntegrationTests.Limits;

/// <summary>
/// The limit contract on <see cref="RedisLimitStore"/> over the shared test Redis, plus what Redis adds: the holds of an
/// instance that died lapse by themselves, the keys the scripts keep, and the local share while Redis is unreachable.
/// (Instances of a fleet sharing the counters: <see cref="ScaleOut.SharedLimitsTests"/>.)
/// </summary>
public sealed class RedisLimitStoreTests : LimitStoreContractTests
{
    private readonly string _prefix = $"tg-test-{Guid.NewGuid():N}:";
    private readonly List<RedisStateInstance> _instances = [];
    private RedisStateInstance _instance = null!;

    private protected override ILimitStore Store => _instance.Get<RedisLimitStore>();

    public override async Task InitializeAsync() => _instance = await StartInstanceAsync();

    public override async Task DisposeAsync()
    {
        var failures = _instance.SharedStateFailures;
        foreach (var instance in _instances) await instance.DisposeAsync();
        await RedisStateInstance.ForgetAsync(_prefix);
        // Every case ran on Redis: none fell back to local state.
        Assert.Equal((0L, 0L), failures);
    }

    private async Task<RedisStateInstance> StartInstanceAsync(string? endpoint = null, int instances = 1, TimeProvider? time = null)
    {
        var instance = await RedisStateInstance.StartAsync(endpoint ?? TestRedis.Shared, _prefix, time ?? Time,
            services => services.AddSingleton<RedisLimitStore>(), instances);
        _instances.Add(instance);
        return instance;
    }

    [Fact]
    public async Task Reserve_HoldOfAnInstanceThatNeverSettles_LapsesAfterTheReservationLifetime()
    {
        var dead = (await StartInstanceAsync()).Get<RedisLimitStore>();
        var scope = new LimitScope("consumer:held", "consumer 'held'", null, null, 1);
        var abandoned = await dead.TryReserveAsync([scope], 10, default);
        Assert.NotNull(abandoned.Reservation?.SharedId);

        Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(LimitKind.ConcurrentRequests, (await Store.TryReserveAsync([scope], 10, default)).RefusedKind);
        Time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.True((await Store.TryReserveAsync([scope], 10, default)).Admitted);
    }

    [Fact]
    public async Task Reserve_ChargedAtALaterSecondByAnotherInstance_CountsAgainstTheLimit()
    {
        // Another instance read the clock a second later (a burst across a second's boundary): its charge is in the
        // window of an instance still in the earlier second, which must not admit past the limit.
        var ahead = (await StartInstanceAsync(time: new FakeTimeProvider(T0 + TimeSpan.FromSeconds(1)))).Get<RedisLimitStore>();
        var scope = new LimitScope("consumer:boundary", "consumer 'boundary'", TokensPerMinute: 1000, RequestsPerMinute: null, ConcurrentRequests: null);
        Assert.True((await ahead.TryReserveAsync([scope], 900, default)).Admitted);

        var over = await Store.TryReserveAsync([scope], 200, default);
        Assert.Equal(LimitKind.TokensPerMinute, over.RefusedKind);
        var fits = await Store.TryReserveAsync([scope], 100, default);
        Assert.True(fits.Admitted);
        Assert.Equal(0, fits.RemainingTokens);
    }

    [Fact]
    public async Task Reserve_KeepsPerSecondCountsAndScoredHolds_UnderTheLowerCasedScopeKey()
    {
        var scope = new LimitScope("consumer:Mixed", "consumer 'Mixed'", 1000, 10, 3);
        var reservation = (await Store.TryReserveAsync([scope], 250, default)).Reservation!;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        var db = redis.GetDatabase();
        var key = _prefix + "limit:consumer:mixed:";
        var second = T0.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(250, (long)await db.HashGetAsync(key + "t", second));
        Assert.Equal(1, (long)await db.HashGetAsync(key + "r", second));
        Assert.Equal((T0 + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds(), (long)(await db.SortedSetScoreAsync(key + "f", reservation.SharedId))!.Value);
        Assert.InRange((long)(await db.KeyTimeToLiveAsync(key + "t"))!.Value.TotalMilliseconds, 1, 61_000);

        await Store.SettleAsync(reservation, 40, default);
        Assert.Equal(40, (long)await db.HashGetAsync(key + "t", second));
        Assert.Equal(0, await db.SortedSetLengthAsync(key + "f"));
    }

    [Fact]
    public async Task Reserve_RedisUnreachable_ChargesThisInstancesShareLocally_AndSharesAgainWhenItIsBack()
    {
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], CultureInfo.InvariantCulture)));
        var cut = await StartInstanceAsync($"127.0.0.1:{link.Port}", instances: 2);
        var other = (await StartInstanceAsync(instances: 2)).Get<RedisLimitStore>();
        var scope = new LimitScope("consumer:cut", "consumer 'cut'", null, 4, null);

        link.Disable();
        await Secrets.Poll.UntilAsync(() => !cut.Redis.IsConnected, TimeSpan.FromSeconds(10));

        // A fleet of two: this instance allows itself half of the 4 requests a minute, in its own counters.
        var store = cut.Get<RedisLimitStore>();
        var local = await store.TryReserveAsync([scope], 1, default);
        Assert.True(local.Admitted);
        Assert.Null(local.Reservation!.SharedId);
        await store.SettleAsync(local.Reservation, 1, default);
        await store.ReleaseAsync((await store.TryReserveAsync([scope], 1, default)).Reservation!, default);
        await store.SettleAsync((await store.TryReserveAsync([scope], 1, default)).Reservation!, 1, default);
        var refused = await store.TryReserveAsync([scope], 1, default);
        Assert.Same(scope, refused.Refused);  // named with its configured limit, not the share
        Assert.Equal(LimitKind.RequestsPerMinute, refused.RefusedKind);

        // The rest of the fleet still shares the whole limit in Redis, where none of that was charged.
        for (var i = 0; i < 4; i++) Assert.NotNull((await other.TryReserveAsync([scope], 1, default)).Reservation?.SharedId);
        Assert.False((await other.TryReserveAsync([scope], 1, default)).Admitted);

        link.Enable();
        await Secrets.Poll.UntilAsync(() => cut.Redis.IsConnected, TimeSpan.FromSeconds(10));
        var back = await store.TryReserveAsync([scope], 1, default);
        Assert.Equal(LimitKind.RequestsPerMinute, back.RefusedKind);  // the shared counters, which the fleet has spent
        Assert.Same(scope, back.Refused);
    }
}
