using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tokengate.Alerts;

/// <summary>Registers the capacity alerts and maps <c>GET /admin/alerts</c> (readers and above).</summary>
internal static class CapacityAlerts
{
    public static IServiceCollection AddCapacityAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>();
        services.AddOptions<AlertsOptions>().Configure(o => configuration.GetSection(AlertsOptions.SectionName).Bind(o)).ValidateOnStart();
        services.AddSingleton(sp => new CapacityAlertEvaluator(sp.GetRequiredService<IOptions<AlertsOptions>>().Value));
        services.AddHostedService<CapacityAlertMonitor>();
        return services;
    }

    public static RouteGroupBuilder MapAlerts(this RouteGroupBuilder admin)
    {
        admin.MapGet("/alerts", (CapacityAlertEvaluator evaluator, IOptions<AlertsOptions> options) => Results.Json(new
        {
            rules = options.Value.EffectiveRules.Select(r => new
            {
                name = r.Name,
                scope = r.Scope.ToString().ToLowerInvariant(),
                target = r.Target,
                metric = r.Metric.ToString(),
                fireAt = r.FireAt,
                clearAt = r.ClearAt,
            }),
            active = evaluator.Active().Select(a => new { rule = a.Rule, target = a.Target, value = a.Value, since = a.Since }),
            recent = evaluator.Recent().Select(e => new { rule = e.Rule, target = e.Target, state = e.State, value = e.Value, threshold = e.Threshold, at = e.At }),
        }));
        return admin;
    }
}
