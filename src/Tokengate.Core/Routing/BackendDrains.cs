using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Admin;
using Tokengate.Audit;
using Tokengate.Configuration;
using Tokengate.Identity;
using Tokengate.Storage;

namespace Tokengate.Routing;

/// <summary>
/// Draining a backend: <c>POST /admin/backends/{name}/drain</c> and <c>/resume</c> (operator, audited). A drained
/// backend takes no new requests (selection skips it as if it were unavailable, so spillover moves on to the next
/// tier); requests already in flight finish; requests pinned to it by a stored id still go there, since that id
/// lives only on it. The drain is kept in the database and shared with the fleet (<see cref="BackendDrainState"/>).
/// </summary>
internal static class BackendDrains
{
    /// <summary>The audit actions.</summary>
    public const string DrainedAction = "backend.drained";

    public const string ResumedAction = "backend.resumed";

    public static IServiceCollection AddBackendDrains(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, BackendDrainMigrations>();
        services.AddSingleton<BackendDrainState>();
        services.AddHostedService(sp => sp.GetRequiredService<BackendDrainState>());
        return services;
    }

    public static RouteGroupBuilder MapBackendDrains(this RouteGroupBuilder admin)
    {
        admin.MapPost("/backends/{name}/drain", (HttpContext context, string name, BackendDrainState drains, IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(context, name, drain: true, drains, audit, configuration, time, ct)).RequireAuthorization(AdminPolicies.Operator);
        admin.MapPost("/backends/{name}/resume", (HttpContext context, string name, BackendDrainState drains, IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(context, name, drain: false, drains, audit, configuration, time, ct)).RequireAuthorization(AdminPolicies.Operator);
        return admin;
    }

    /// <summary>The configured backend of that name (case-insensitive), or null.</summary>
    public static Backend? Configured(GatewaySnapshot snapshot, string name) =>
        snapshot.Pools.SelectMany(p => p.Backends).FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));

    private static async Task<IResult> ChangeAsync(
        HttpContext context, string name, bool drain, BackendDrainState drains, IAuditLog audit, GatewayConfiguration configuration, TimeProvider time, CancellationToken ct)
    {
        if (Configured(configuration.Current, name) is not { } backend)
            return new GatewayErrorResult(AdminErrors.NotFound($"No backend is named '{name}'."));
        var actor = context.User.Identity?.Name ?? "(unknown)";
        var address = CallerAddress.Of(context, configuration.Current)?.ToString();
        if (drain)
        {
            var record = await drains.DrainAsync(backend.Name, actor, ct).ConfigureAwait(false);
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, DrainedAction, backend.Name, address, "success", null), ct).ConfigureAwait(false);
            return Results.Json(Describe(backend.Name, record));
        }
        var was = await drains.ResumeAsync(backend.Name, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, ResumedAction, backend.Name, address, "success", was ? null : "was not drained"), ct).ConfigureAwait(false);
        return Results.Json(Describe(backend.Name, null));
    }

    private static object Describe(string backend, BackendDrainRecord? record) =>
        new { backend, drained = record is not null, drainedBy = record?.By, drainedAt = record?.At };
}
