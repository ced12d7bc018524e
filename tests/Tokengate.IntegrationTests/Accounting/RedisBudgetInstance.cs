using Microsoft.Extensions.DependencyInjection;
using Tokengate.Accounting;
using Tokengate.IntegrationTests.Infrastructure;
using Tokengate.State;

namespace Tokengate.IntegrationTests.Accounting;

/// <summary>
/// One gateway instance's <see cref="RedisBudgetStore"/> (with its own Redis connection and alert queue) on the test's
/// clock, without the rest of a gateway: several of them under one key prefix act as a fleet sharing budgets.
/// </summary>
internal sealed class RedisBudgetInstance : IAsyncDisposable
{
    private readonly RedisStateInstance _instance;

    private RedisBudgetInstance(RedisStateInstance instance) => _instance = instance;

    public RedisBudgetStore Store => _instance.Get<RedisBudgetStore>();

    public BudgetAlertQueue Alerts => _instance.Get<BudgetAlertQueue>();

    public RedisConnection Redis => _instance.Redis;

    /// <inheritdoc cref="RedisStateInstance.SharedStateFailures"/>
    public (long Fallbacks, long Errors) SharedStateFailures => _instance.SharedStateFailures;

    /// <param name="endpoint">host:port of the Redis server.</param>
    /// <param name="prefix">The fleet's key prefix.</param>
    /// <param name="time">The instance's clock (it decides periods and reservation expiry).</param>
    /// <param name="instances">The fleet's <see cref="StateOptions.InstanceCount"/>.</param>
    /// <param name="reservationLifetime">The fleet's <see cref="StateOptions.ReservationLifetime"/>.</param>
    public static async Task<RedisBudgetInstance> StartAsync(string endpoint, string prefix, TimeProvider time, int instances = 1, TimeSpan? reservationLifetime = null)
    {
        var instance = await RedisStateInstance.StartAsync(endpoint, prefix, time, services =>
        {
            services.AddSingleton<BudgetAlertQueue>();
            services.AddSingleton<RedisBudgetStore>();
        }, instances, reservationLifetime);
        // As the gateway's seeder does at start: without it the stores would treat Redis as having lost its data.
        await instance.Get<RedisBudgetStore>().SeedAsync([], default);
        return new RedisBudgetInstance(instance);
    }

    /// <summary>The alerts this instance queued so far.</summary>
    public List<BudgetAlert> DrainAlerts()
    {
        var list = new List<BudgetAlert>();
        while (Alerts.Reader.TryRead(out var alert)) list.Add(alert);
        return list;
    }

    public ValueTask DisposeAsync() => _instance.DisposeAsync();
}
