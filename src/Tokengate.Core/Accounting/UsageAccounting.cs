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
    /// <c>GET /admin/usage?by=consumer|group|deployment|pool|model|backend|priority|service_tier|operation|modality&amp;period=total|hour|day|month&amp;since=&amp;until=&amp;consumer=&amp;group=&amp;deployment=&amp;model=</c>
    /// for readers and above.
    /// </summary>
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", async (IDatabase database, string? by, string? period, DateTimeOffset? since, DateTimeOffset? until,
            string? consumer, string? group, string? deployment, string? model, CancellationToken ct) =>
        {
            var grouping = UsageGrouping.Consumer;
            var buckets = UsagePeriod.Total;
            if ((by is not null && !UsageReport.TryParseGrouping(by, out grouping)) || (period is not null && !Enum.TryParse(period, ignoreCase: true, out buckets)))
            {
                return Results.Json(new { error = new { code = "invalid_value", message = "'by' is consumer, group, deployment, pool, model, backend, priority, service_tier, operation or modality; 'period' is total, hour, day or month." } },
                    statusCode: StatusCodes.Status400BadRequest);
            }
            var query = new UsageQuery(grouping, buckets, since, until, consumer, group, deployment, model);
            var rows = await UsageReport.QueryAsync(database, query, ct).ConfigureAwait(false);
            return Results.Json(new
            {
                by = query.By.ToString().ToLowerInvariant(),
                period = query.Period.ToString().ToLowerInvariant(),
                data = rows.Select(r => new
                {
                    key = r.Key,
                    period = r.Period,
                    requests = r.Requests,
                    promptTokens = r.PromptTokens,
                    cachedTokens = r.CachedTokens,
                    completionTokens = r.CompletionTokens,
                    totalTokens = r.TotalTokens,
                    costUsd = r.CostUsd,
                    audioInputTokens = r.AudioInputTokens,
                    imageInputTokens = r.ImageInputTokens,
                    audioOutputTokens = r.AudioOutputTokens,
                    imageOutputTokens = r.ImageOutputTokens,
                    images = r.Images,
                    audioSeconds = r.AudioSeconds,
                    characters = r.Characters,
                }),
            });
        }).RequireAuthorization(AdminPolicies.Reader);
        return admin;
    }
}
