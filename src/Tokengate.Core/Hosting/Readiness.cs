using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;
using Tokengate.Routing;

namespace Tokengate.Hosting;

/// <summary>
/// <c>/readyz</c>: ready once configuration is loaded and the host is serving. Backend trouble does not make an
/// instance unready (every instance shares the same backends, so a load balancer gains nothing by pulling it);
/// it is reported in the body.
/// </summary>
internal static class Readiness
{
    public static IResult Describe(GatewayConfiguration configuration, IBackendHealth health)
    {
        var snapshot = configuration.Current;
        var pools = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var pool in snapshot.Pools)
        {
            var available = 0;
            foreach (var backend in pool.Backends)
            {
                if (health.IsAvailable(backend, pool)) available++;
            }
            pools[pool.Name] = new { backends = pool.Backends.Count, available };
        }
        return Results.Json(new { status = "ready", pools });
    }
}
