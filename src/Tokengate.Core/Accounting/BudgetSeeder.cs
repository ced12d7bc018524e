using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tokengate.Configuration;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// Before serving (after the migrations), gives the budget store every configured budget's spend in its current period
/// from the ledger, and which alerts already fired, so a restart neither forgets spend nor repeats an alert. A shared
/// store keeps a value another instance already set. When the store asks (<see cref="IBudgetStore.SeedNeeded"/>: Redis
/// came back, or restarted without its data) the seeding runs again in the background. A budget that a configuration
/// change adds (a file edit, the admin API) is seeded the same way when it comes into force
/// (<see cref="SeedNewBudgetsAsync"/>), so it counts what was spent earlier in its period from its first request on.
/// </summary>
internal sealed partial class BudgetSeeder(
    IBudgetStore store, GatewayConfiguration configuration, IDatabase database, TimeProvider time, ILogger<BudgetSeeder> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Keys of the budgets seeded and tracked since; a budget outside it was not counting spend and is seeded when it appears.
    private readonly HashSet<string> _seeded = new(StringComparer.OrdinalIgnoreCase);
    private int _reseeding;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SeedAsync(cancellationToken).ConfigureAwait(false);
        store.SeedNeeded += OnSeedNeeded;
        configuration.Reloaded += OnReloaded;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        store.SeedNeeded -= OnSeedNeeded;
        configuration.Reloaded -= OnReloaded;
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Seeds the budgets of the configuration in force that were not configured when seeding last ran, from the ledger;
    /// budgets already tracked keep their live spend. Returns once the store has them.
    /// </summary>
    public async Task SeedNewBudgetsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var configured = BudgetCatalog.Configured(configuration.Current.Options.Budgets).ToList();
            var keys = configured.Select(b => BudgetCatalog.Key(b.Scope, b.Name, b.Budget)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            _seeded.IntersectWith(keys);
            var added = configured.Where(b => !_seeded.Contains(BudgetCatalog.Key(b.Scope, b.Name, b.Budget))).ToList();
            if (added.Count == 0) return;
            await store.SeedAsync(await ReadSeedsAsync(added, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            foreach (var (scope, name, budget) in added) _seeded.Add(BudgetCatalog.Key(scope, name, budget));
        }
        finally
        {
            _gate.Release();
        }
    }

    private void OnReloaded(GatewaySnapshot snapshot) => _ = SeedNewInBackgroundAsync();

    private async Task SeedNewInBackgroundAsync()
    {
        try
        {
            await SeedNewBudgetsAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stopping.IsCancellationRequested) LogReseedFailed(logger, ex);
        }
    }

    private void OnSeedNeeded()
    {
        if (Interlocked.CompareExchange(ref _reseeding, 1, 0) == 0) _ = ReseedAsync();
    }

    private async Task ReseedAsync()
    {
        try
        {
            await SeedAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_stopping.IsCancellationRequested) LogReseedFailed(logger, ex);
        }
        finally
        {
            Volatile.Write(ref _reseeding, 0);
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var budgets = BudgetCatalog.Configured(configuration.Current.Options.Budgets).ToList();
            // Without budgets there is nothing to read, but a shared store still marks itself seeded (for budgets a reload adds).
            await store.SeedAsync(await ReadSeedsAsync(budgets, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            _seeded.Clear();
            foreach (var (scope, name, budget) in budgets) _seeded.Add(BudgetCatalog.Key(scope, name, budget));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<BudgetSeed>> ReadSeedsAsync(List<(string Scope, string Name, BudgetOptions Budget)> budgets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seeds = new List<BudgetSeed>(budgets.Count);
        if (budgets.Count > 0)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (scope, name, budget) in budgets)
            {
                var start = BudgetCatalog.PeriodStart(budget.Period, now);
                var spent = await SpentAsync(connection, scope, name, budget.Unit, start, cancellationToken).ConfigureAwait(false);
                var fired = await FiredAsync(connection, BudgetCatalog.Key(scope, name, budget), start, cancellationToken).ConfigureAwait(false);
                seeds.Add(new BudgetSeed(scope, name, budget, spent, fired));
            }
        }
        return seeds;
    }

    private async Task<decimal> SpentAsync(DbConnection connection, string scope, string name, BudgetUnit unit, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var column = scope == "group" ? "consumer_group" : "consumer";
        var sum = unit == BudgetUnit.Usd ? "cost_nanousd" : "prompt_tokens + completion_tokens";
        command.CommandText = $"SELECT COALESCE(SUM({sum}), 0) FROM usage_ledger WHERE {column} = @name AND at >= @since";
        command.AddParameter("@name", name).AddParameter("@since", DbTimestamps.ToDb(since, database.Provider));
        var total = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return unit == BudgetUnit.Usd ? UsageTime.FromNanoUsd(total) : total;
    }

    private static async Task<List<int>> FiredAsync(DbConnection connection, string key, DateTimeOffset periodStart, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT threshold_percent FROM budget_alerts WHERE budget_key = @key AND period_start = @start";
        command.AddParameter("@key", key).AddParameter("@start", BudgetAlertSender.PeriodText(periodStart));
        var fired = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) fired.Add(reader.GetInt32(0));
        return fired;
    }

    [LoggerMessage(1, LogLevel.Warning, "Seeding the shared budgets from the ledger again failed; requests are admitted against this instance's share until it succeeds")]
    private static partial void LogReseedFailed(ILogger logger, Exception exception);
}
