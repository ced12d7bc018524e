using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Tokengate.Configuration;
using Tokengate.Storage;

namespace Tokengate.Accounting;

/// <summary>
/// Before serving (after the migrations), sets every configured budget's spend in its current period from the
/// ledger, and which alerts already fired, so a restart neither forgets spend nor repeats an alert.
/// </summary>
internal sealed class BudgetSeeder(BudgetTracker tracker, GatewayConfiguration configuration, IDatabase database, TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (key, scope, name, budget) in BudgetTracker.Configured(configuration.Current.Options.Budgets))
        {
            var start = BudgetTracker.PeriodStart(budget.Period, now);
            var spent = await SpentAsync(connection, scope, name, budget.Unit, start, cancellationToken).ConfigureAwait(false);
            var fired = await FiredAsync(connection, key, start, cancellationToken).ConfigureAwait(false);
            tracker.Seed(scope, name, budget, spent, fired);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<decimal> SpentAsync(DbConnection connection, string scope, string name, BudgetUnit unit, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var column = scope == "group" ? "consumer_group" : "consumer";
        var sum = unit == BudgetUnit.Usd ? "cost_nanousd" : "prompt_tokens + completion_tokens";
        command.CommandText = $"SELECT COALESCE(SUM({sum}), 0) FROM usage_ledger WHERE {column} = @name AND at >= @since";
        command.AddParameter("@name", name).AddParameter("@since", DbTimestamps.ToDb(since, database.Provider));
        var total = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
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
}
