using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Accounting;
using Tokengate.Secrets;
using Tokengate.State;
using Tokengate.Telemetry;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// One gateway instance's <see cref="RedisBudgetStore"/> (with its own Redis connection and alert queue) on the test's
/// clock, without the rest of a gateway: several of them under one key prefix act as a fleet sharing budgets.
/// </summary>
internal sealed class RedisBudgetInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _variable;

    private RedisBudgetInstance(ServiceProvider services, string variable)
    {
        _services = services;
        _variable = variable;
    }

    public RedisBudgetStore Store => _services.GetRequiredService<RedisBudgetStore>();

    public BudgetAlertQueue Alerts => _services.GetRequiredService<BudgetAlertQueue>();

    public RedisConnection Redis => _services.GetRequiredService<RedisConnection>();

    /// <param name="endpoint">host:port of the Redis server.</param>
    /// <param name="prefix">The fleet's key prefix.</param>
    /// <param name="time">The instance's clock (it decides periods and reservation expiry).</param>
    /// <param name="instances">The fleet's <see cref="StateOptions.InstanceCount"/>.</param>
    /// <param name="reservationLifetime">The fleet's <see cref="StateOptions.ReservationLifetime"/>.</param>
    public static async Task<RedisBudgetInstance> StartAsync(string endpoint, string prefix, TimeProvider time, int instances = 1, TimeSpan? reservationLifetime = null)
    {
        var variable = $"TOKENGATE_TEST_BUDGET_REDIS_{Guid.NewGuid():N}";
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
            InstanceCount = instances,
            ReservationLifetime = reservationLifetime ?? TimeSpan.FromMinutes(10),
        }));
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<BudgetAlertQueue>();
        services.AddSingleton<RedisBudgetStore>();
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<RedisConnection>().StartAsync(default);
        // As the gateway's seeder does at start: without it the stores would treat Redis as having lost its data.
        await provider.GetRequiredService<RedisBudgetStore>().SeedAsync([], default);
        return new RedisBudgetInstance(provider, variable);
    }

    /// <summary>The alerts this instance queued so far.</summary>
    public List<BudgetAlert> DrainAlerts()
    {
        var list = new List<BudgetAlert>();
        while (Alerts.Reader.TryRead(out var alert)) list.Add(alert);
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Environment.SetEnvironmentVariable(_variable, null);
    }
}
