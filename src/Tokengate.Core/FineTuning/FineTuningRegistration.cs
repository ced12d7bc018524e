using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tokengate.Admin;
using Tokengate.Storage;

namespace Tokengate.FineTuning;

/// <summary>Registers fine-tuning jobs (the registry's table, file placement, the service) and maps <c>GET /admin/fine-tuning/jobs</c>.</summary>
internal static class FineTuningRegistration
{
    public static IServiceCollection AddFineTuning(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, FineTuningMigrations>();
        services.AddSingleton<FineTuningCatalog>();
        services.AddSingleton<FineTuningBackendClient>();
        services.AddSingleton<FilePlacer>();
        services.AddSingleton<FineTuningService>();
        return services;
    }

    /// <summary>
    /// <c>GET /admin/fine-tuning/jobs?consumer=&amp;after=&amp;limit=</c> for readers and above: the registry's jobs, newest
    /// first, as the gateway last saw them (no backend is called).
    /// </summary>
    public static RouteGroupBuilder MapFineTuningAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/fine-tuning/jobs", async (FineTuningCatalog catalog, string? consumer, string? after, int? limit, CancellationToken ct) =>
        {
            var size = Math.Clamp(limit ?? 100, 1, 1000);
            var jobs = await catalog.ListAsync(consumer, after, size, ct).ConfigureAwait(false);
            var more = jobs.Count > size;
            if (more) jobs.RemoveAt(jobs.Count - 1);
            return Results.Json(new { data = jobs.Select(FineTuningJobView.From), has_more = more });
        }).RequireAuthorization(AdminPolicies.Reader);
        return admin;
    }
}
