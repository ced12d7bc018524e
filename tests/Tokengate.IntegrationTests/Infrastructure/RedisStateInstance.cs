using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tokengate.Secrets;
using Tokengate.State;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Infrastructure;

/// <summary>
/// The Redis-backed state of one gateway instance (its own <see cref="RedisConnection"/> under the fleet's key prefix,
/// on the test's clock) without the rest of a gateway: the stores a test registers are resolved from it, and several
/// instances under one prefix act as a fleet. Hosted services the test starts are stopped, in reverse order, on dispose.
/// </summary>
internal sealed class RedisStateInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _variable;
    private readonly List<IHostedService> _started = [];
    private readonly MeterListener _failures = new();
    private long _errors;
    private long _fallbacks;
    private long _fallbacksAtStart;

    private RedisStateInstance(ServiceProvider services, string variable)
    {
        _services = services;
        _variable = variable;
        var meter = services.GetRequiredService<GatewayMetrics>().Meter;
        _failures.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == meter && instrument.Name is "tokengate.state.errors" or "tokengate.state.fallbacks") listener.EnableMeasurementEvents(instrument);
        };
        _failures.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            Interlocked.Add(ref instrument.Name == "tokengate.state.errors" ? ref _errors : ref _fallbacks, value));
        _failures.Start();
    }

    public RedisConnection Redis => _services.GetRequiredService<RedisConnection>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>
    /// How often, since its connection first came up, this instance lost Redis or a Redis call failed
    /// (<c>tokengate.state.fallbacks</c>, <c>tokengate.state.errors</c>): while both are 0, every call went to Redis, not
    /// to the local fallback. (A connection that is not up yet when the connect call returns counts as a fallback at start.)
    /// </summary>
    public (long Fallbacks, long Errors) SharedStateFailures => (Interlocked.Read(ref _fallbacks) - _fallbacksAtStart, Interlocked.Read(ref _errors));

    /// <param name="endpoint">host:port of the Redis server.</param>
    /// <param name="prefix">The fleet's key prefix.</param>
    /// <param name="time">The instance's clock.</param>
    /// <param name="register">Registers the stores under test (and what they need beyond the connection).</param>
    /// <param name="instances">The fleet's <see cref="StateOptions.InstanceCount"/>.</param>
    /// <param name="reservationLifetime">The fleet's <see cref="StateOptions.ReservationLifetime"/>.</param>
    public static async Task<RedisStateInstance> StartAsync(
        string endpoint, string prefix, TimeProvider time, Action<IServiceCollection> register,
        int instances = 1, TimeSpan? reservationLifetime = null)
    {
        var variable = $"TOKENGATE_TEST_STATE_REDIS_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, endpoint);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddSingleton(time);
        services.AddSingleton<MetricsTimeline>();
        services.AddSingleton<BackendQuotaBook>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(new StateStatus(StateProvider.Redis));
        services.AddSingleton<StateMetrics>();
        services.AddSingleton<ISecretResolver, EnvironmentSecretResolver>();
        services.AddSingleton(Options.Create(new StateOptions
        {
            Provider = StateProvider.Redis,
            // Ten times the default: on a test machine that runs many tests at once a call can wait a second for a
            // thread, and a timeout would send it to the local fallback (and fail the tests' check that none did).
            Redis = new RedisStateOptions { ConnectionString = $"env:{variable}", KeyPrefix = prefix, OperationTimeout = TimeSpan.FromSeconds(10) },
            InstanceCount = instances,
            ReservationLifetime = reservationLifetime ?? TimeSpan.FromMinutes(10),
        }));
        services.AddSingleton<RedisConnection>();
        register(services);
        var instance = new RedisStateInstance(services.BuildServiceProvider(), variable);
        await instance.Redis.StartAsync(default);
        // The connection never fails the start; the tests need it up, not the local fallback. Its subscription
        // connection too: StackExchange.Redis reports IsConnected once the interactive one is up, and a SUBSCRIBE sent
        // before the subscription connection is established fails (RedisConnection.SubscribeAsync then waits for a
        // Restored event to try again), which is a start-up race of its own, not what these tests are about.
        var channel = RedisChannel.Literal(prefix + "changes");
        await Secrets.Poll.UntilAsync(() => instance.Redis.IsConnected && instance.Redis.Multiplexer.GetSubscriber().IsConnected(channel), TimeSpan.FromSeconds(10));
        instance._fallbacksAtStart = Interlocked.Read(ref instance._fallbacks);
        return instance;
    }

    /// <summary>Starts a hosted service of this instance (a store that subscribes or loads at start), as the host would.</summary>
    public async Task<T> StartServiceAsync<T>() where T : IHostedService
    {
        var service = _services.GetRequiredService<T>();
        await service.StartAsync(default);
        _started.Add(service);
        return service;
    }

    /// <summary>Deletes every key under <paramref name="prefix"/>, as a Redis restart without persistence does to a fleet's keys (other tests share the server).</summary>
    public static async Task ForgetAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Shared);
        foreach (var key in redis.GetServers().Single().Keys(pattern: prefix + "*").ToList()) await redis.GetDatabase().KeyDeleteAsync(key);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].StopAsync(default);
        await _services.DisposeAsync();
        _failures.Dispose();
        Environment.SetEnvironmentVariable(_variable, null);
    }
}
