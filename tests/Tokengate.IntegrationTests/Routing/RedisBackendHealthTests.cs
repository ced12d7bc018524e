using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.Configuration;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.Routing;
using Tokengate.Secrets;

namespace Tokengate.IntegrationTests.Routing;

/// <summary>
/// The backend health contract on <see cref="RedisBackendHealth"/> over the shared test Redis, plus what Redis adds:
/// instances under one key prefix learn each other's cooldowns and open circuits (an open circuit elsewhere is a
/// cooldown here, and each breaker stays its own), an instance that starts later loads them, and an instance cut off
/// from Redis decides alone and tells the fleet when it is back. (Three gateway processes: <see cref="ScaleOut.SharedHealthTests"/>.)
/// </summary>
public sealed class RedisBackendHealthTests : BackendHealthContractTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _prefix = $"tg-test-{Guid.NewGuid():N}:";
    private readonly List<RedisStateInstance> _instances = [];
    private RedisStateInstance _instance = null!;
    private RedisBackendHealth _health = null!;

    private protected override IBackendHealth Health => _health;

    public override async Task InitializeAsync() => (_instance, _health) = await StartRedisAsync();

    public override async Task DisposeAsync()
    {
        var failures = _instance.SharedStateFailures;
        foreach (var instance in _instances) await instance.DisposeAsync();
        await RedisStateInstance.ForgetAsync(_prefix);
        // Every report this instance shared reached Redis.
        Assert.Equal((0L, 0L), failures);
    }

    private async Task<RedisBackendHealth> StartInstanceAsync(string? endpoint = null) => (await StartRedisAsync(endpoint)).Health;

    private async Task<(RedisStateInstance Instance, RedisBackendHealth Health)> StartRedisAsync(string? endpoint = null)
    {
        var instance = await RedisStateInstance.StartAsync(endpoint ?? TestRedis.Shared, _prefix, Time, services =>
        {
            services.AddSingleton(Options.Create(Gateway));
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
            services.AddSingleton<IValidateOptions<GatewayOptions>>(sp => new GatewayOptionsValidator(sp.GetRequiredService<ISecretResolver>()));
            services.AddSingleton(sp => new GatewaySnapshotBuilder(sp.GetRequiredService<ISecretResolver>(), Time));
            services.AddSingleton(sp => new GatewayConfiguration(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<GatewayOptions>>(),
                sp.GetRequiredService<IValidateOptions<GatewayOptions>>(), sp.GetRequiredService<GatewaySnapshotBuilder>(), sp.GetRequiredService<ILogger<GatewayConfiguration>>()));
            services.AddSingleton<RedisBackendHealth>();
        });
        _instances.Add(instance);
        return (instance, await instance.StartServiceAsync<RedisBackendHealth>());
    }

    [Fact]
    public async Task ReportThrottled_OnOneInstance_RestsTheBackendOnTheOthers_AsThrottling_WithoutTouchingTheirBreakers()
    {
        var other = await StartInstanceAsync();

        Health.ReportThrottled(Standard, Start.AddSeconds(20));

        await Secrets.Poll.UntilAsync(() => !other.IsAvailable(Standard, Pool), Deadline);
        Assert.True(other.IsAvailable(Other, Pool));
        Assert.Equal(new PoolRecovery(Start.AddSeconds(20), Throttled: true), other.EarliestRecovery(Single(Standard)));
        Assert.Equal(default, other.Describe(Standard).Recent);
        Assert.Null(other.Describe(Standard).CircuitOpenUntil);

        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(other.IsAvailable(Standard, Pool));
    }

    [Fact]
    public async Task OpenCircuit_OnOneInstance_IsACooldownOnTheOthers_AndWhenItEndsEachInstancesOwnBreakerDecides()
    {
        var other = await StartInstanceAsync();

        OpenCircuit(Standard);

        await Secrets.Poll.UntilAsync(() => !other.IsAvailable(Standard, Pool), Deadline);
        Assert.False(other.IgnoringSpillover.IsAvailable(Standard, Pool));
        Assert.Equal(Start + Forwarding.BreakerOpenDuration, other.Describe(Standard).CircuitOpenUntil);
        Assert.Equal(new PoolRecovery(Start + Forwarding.BreakerOpenDuration, Throttled: false), other.EarliestRecovery(Single(Standard)));

        // Once it ends there is no fleet-wide probe: the instance whose breaker opened grants one, the others' are closed.
        Time.Advance(Forwarding.BreakerOpenDuration);
        Assert.True(other.IsAvailable(Standard, Pool));
        Assert.True(other.TryBeginAttempt(Standard));
        Assert.True(other.TryBeginAttempt(Standard));
        Assert.True(Health.TryBeginAttempt(Standard));
        Assert.False(Health.TryBeginAttempt(Standard));
    }

    [Fact]
    public async Task Start_AnInstanceThatStartsLater_LoadsTheRestTimesStoredInRedis()
    {
        Health.ReportThrottled(Standard, Start.AddSeconds(40));
        OpenCircuit(Other);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared))
        {
            var db = redis.GetDatabase();
            await Secrets.Poll.UntilAsync(() => db.KeyExists(_prefix + "health:standard") && db.KeyExists(_prefix + "health:other"), Deadline);
            Assert.Equal(Start.AddSeconds(40).ToUnixTimeMilliseconds(), (long)await db.HashGetAsync(_prefix + "health:standard", "t"));
        }

        var later = await StartInstanceAsync();

        Assert.False(later.IsAvailable(Standard, Pool));
        Assert.False(later.IsAvailable(Other, Pool));
        Assert.True(later.IsAvailable(Provisioned, Pool));
        var resting = new Pool("resting", [Standard, Other], PriorityWeightedSelectionPolicy.Instance, 90);
        Assert.Equal(new PoolRecovery(Start + Forwarding.BreakerOpenDuration, Throttled: false), later.EarliestRecovery(resting));
        Assert.Equal(new PoolRecovery(Start.AddSeconds(40), Throttled: true), later.EarliestRecovery(Single(Standard)));
    }

    [Fact]
    public async Task Reports_WhileRedisIsUnreachable_DecideOnThisInstance_AndReachTheFleetWhenItIsBack()
    {
        var shared = TestRedis.Shared.Split(':');
        await using var link = new TcpForwarder(new IPEndPoint(IPAddress.Parse(shared[0]), int.Parse(shared[1], CultureInfo.InvariantCulture)));
        var (instance, cut) = await StartRedisAsync($"127.0.0.1:{link.Port}");
        link.Disable();
        await Secrets.Poll.UntilAsync(() => !instance.Redis.IsConnected, Deadline);

        cut.ReportThrottled(Standard, Start.AddSeconds(50));
        Assert.False(cut.IsAvailable(Standard, Pool));
        Assert.Equal(new PoolRecovery(Start.AddSeconds(50), Throttled: true), cut.EarliestRecovery(Single(Standard)));
        Assert.True(Health.IsAvailable(Standard, Pool));  // the rest of the fleet cannot have heard

        link.Enable();
        await Secrets.Poll.UntilAsync(() => !Health.IsAvailable(Standard, Pool), Deadline);
        Assert.Equal(Start.AddSeconds(50), Health.Describe(Standard).ThrottledUntil);
    }
}
