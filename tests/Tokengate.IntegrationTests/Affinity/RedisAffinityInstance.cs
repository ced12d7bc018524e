using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Affinity;
using Tokengate.Secrets;
using Tokengate.State;
using Tokengate.Storage;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Affinity;

/// <summary>
/// One gateway instance's <see cref="RedisAffinityStore"/> with its own Redis connection and durable-copy writer, on the
/// test's clock and database, without the rest of a gateway: several under one key prefix and one database act as a
/// fleet. Disposing it drains the writer, as a graceful stop does.
/// </summary>
internal sealed class RedisAffinityInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _variable;
    private bool _stopped;

    private RedisAffinityInstance(ServiceProvider services, string variable)
    {
        _services = services;
        _variable = variable;
    }

    public RedisAffinityStore Store => _services.GetRequiredService<RedisAffinityStore>();

    public AffinityTable Table => _services.GetRequiredService<AffinityTable>();

    public RedisConnection Redis => _services.GetRequiredService<RedisConnection>();

    public GatewayMetrics Metrics => _services.GetRequiredService<GatewayMetrics>();

    /// <param name="endpoint">host:port of the Redis server.</param>
    /// <param name="prefix">The fleet's key prefix.</param>
    /// <param name="database">The fleet's database, migrated.</param>
    /// <param name="time">The instance's clock.</param>
    /// <param name="maxRecords">The bound of the instance's last-resort memory.</param>
    public static async Task<RedisAffinityInstance> StartAsync(string endpoint, string prefix, IDatabase database, TimeProvider time, int maxRecords = 1_000)
    {
        var variable = $"TOKENGATE_TEST_AFFINITY_REDIS_{Guid.NewGuid():N}";
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
            Redis = new RedisStateOptions { ConnectionString = $"env:{variable}", KeyPrefix = prefix },
        }));
        services.AddSingleton(Options.Create(new AffinityOptions { MaxRecords = maxRecords }));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton(database);
        services.AddSingleton<AffinityMetrics>();
        services.AddSingleton<AffinityTable>();
        services.AddSingleton<AffinityQueue>();
        services.AddSingleton<AffinityWriter>();
        services.AddSingleton<RedisAffinityStore>();
        var provider = services.BuildServiceProvider();
        var redis = provider.GetRequiredService<RedisConnection>();
        await redis.StartAsync(default);
        // The connection never fails the start; a test that reads Redis's keys needs it up, not the fallback.
        await Secrets.Poll.UntilAsync(() => redis.IsConnected, TimeSpan.FromSeconds(10));
        await provider.GetRequiredService<AffinityWriter>().StartAsync(default);
        return new RedisAffinityInstance(provider, variable);
    }

    /// <summary>Stops the writer once everything queued is in the database (or given up, when the database is away).</summary>
    public async Task DrainAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _services.GetRequiredService<AffinityWriter>().StoppedAsync(default);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync();
        await _services.DisposeAsync();
        Environment.SetEnvironmentVariable(_variable, null);
    }
}
