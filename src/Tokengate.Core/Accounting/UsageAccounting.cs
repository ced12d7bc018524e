using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tokengate.Admin;
using Tokengate.Storage;
using Tokengate.Tokens;

namespace Tokengate.Accounting;

/// <summary>Registers token counting, rate limits, the usage ledger and budgets, and maps <c>GET /admin/usage</c>.</summary>
internal static class UsageAccounting
{
    public static IServiceCollection AddUsageAccounting(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<TokenizerRegistry>();
        services.AddSingleton<TokenCounter>();
        services.AddHostedService<TokenizerWarmup>();
        services.AddSingleton<AccountingMetrics>();
        services.AddSingleton<IMigrationSource, UsageMigrations>();
        services.AddSingleton<UsageLedger>();
        services.AddSingleton<LedgerSpool>();
        services.AddSingleton<UsageLedgerWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageLedgerWriter>());
        services.AddSingleton<LedgerRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<LedgerRetention>());
        services.AddSingleton<BudgetAlertQueue>();  // the IBudgetStore is registered with the shared state
        services.AddSingleton<BudgetSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<BudgetSeeder>());
        services.AddHostedService<BudgetAlertSender>();
        return services;
    }

    /// <summary>
    /// <c>GET /admin/usage</c> and <c>GET /admin/usage/series</c> for readers and above (<see cref="UsageApi"/>).
    /// </summary>
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", UsageApi.ReportAsync).RequireAuthorization(AdminPolicies.Reader);
        admin.MapGet("/usage/series", UsageApi.SeriesAsync).RequireAuthorization(AdminPolicies.Reader);
        return admin;
    }
}
