using Microsoft.AspNetCore.Http;
using Tokengate.Configuration;

namespace Tokengate.Routing;

/// <summary>
/// <c>GET /admin/pools</c>: every pool and backend with its current health and quota, for operators and the dashboard;
/// a drained backend shows who drained it and when (it is then not available); a consumer group's dedicated pool also shows the deployment name it serves, its groups and its overflow.
/// </summary>
internal static class PoolStatus
{
    public static IResult Describe(GatewayConfiguration configuration, IBackendHealth health, BackendDrainState drains) =>
        Results.Json(new
        {
            pools = configuration.Current.Pools.Select(pool => new
            {
                name = pool.Name,
                spilloverUtilizationPercent = pool.SpilloverUtilizationPercent,
                dedicatedTo = pool.Dedication is { } d
                    ? new
                    {
                        deployment = d.Shared.Name,
                        groups = d.Groups.Order(StringComparer.OrdinalIgnoreCase),
                        overflow = d.Overflow,
                        overflowPriority = d.Overflow ? d.OverflowPriority.Name : null,
                    }
                    : null,
                backends = pool.Backends.Select(b =>
                {
                    var h = health.Describe(b);
                    var drain = drains.Find(b.Name);
                    return new
                    {
                        name = b.Name,
                        type = b.Type.ToString(),
                        priority = b.Priority,
                        weight = b.Weight,
                        region = b.Region,
                        available = health.IsAvailable(b, pool),
                        drained = drain is not null,
                        drainedBy = drain?.By,
                        drainedAt = drain?.At,
                        coolingUntil = h.CoolingUntil,
                        throttledUntil = h.ThrottledUntil,
                        circuitOpenUntil = h.CircuitOpenUntil,
                        recentAttempts = h.Recent.Attempts,
                        recentFailures = h.Recent.Failures,
                        recentDisputed = h.Recent.Disputed,
                        utilizationPercent = h.UtilizationPercent,
                        quota = new
                        {
                            remainingTokens = h.Quota.RemainingTokens,
                            limitTokens = h.Quota.LimitTokens,
                            remainingRequests = h.Quota.RemainingRequests,
                            limitRequests = h.Quota.LimitRequests,
                            readAt = h.QuotaReadAt,
                            gatewayTokensPerMinute = h.TokensPerMinute,
                            gatewayRequestsPerMinute = h.RequestsPerMinute,
                        },
                    };
                }),
            }),
        });
}
