using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tokengate.Admin;
using Tokengate.Storage;

namespace Tokengate.Audit;

/// <summary>Registers the audit log, the bounded writer of failure records, and the log's read-only admin endpoint.</summary>
internal static class AuditApi
{
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddOptions<AuditOptions>().Configure(o => configuration.GetSection(AuditOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton<IMigrationSource, AuditMigrations>();
        services.AddSingleton<IAuditLog, StoredAuditLog>();
        services.AddSingleton<FailureAudit>();
        services.AddSingleton<FailureAuditWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<FailureAuditWriter>());
        return services;
    }

    /// <summary><c>GET /admin/audit?since=&amp;actor=&amp;action=&amp;limit=</c> for operators; there is no write endpoint.</summary>
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", async (IAuditLog log, DateTimeOffset? since, string? actor, string? action, int? limit, CancellationToken ct) =>
            Results.Json(new { data = await log.QueryAsync(new AuditQuery(since, actor, action, limit ?? 100), ct).ConfigureAwait(false) }))
            .RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }
}
